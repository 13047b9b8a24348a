"""The Gradio web app. It holds no logic: every action calls the assistant service."""
