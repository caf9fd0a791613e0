"""Writes of the arrears app: ``imports`` (staging and upsert of accounts and bills),
``snapshots``, ``transfers`` and ``collection``. Import the module you need."""
