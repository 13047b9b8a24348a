"""The reliability suite (issue 11): hostile files and questions, crashes, many users, planted text, XSS.

``make test-reliability`` (``python -m reliability``) drives the real CLI, service, server and browser,
checks the store after every batch (``index.consistency``), prints one table and writes JSON and
Markdown to ``out/reliability/``. Every module here generates or runs one group of cases.
"""
