"""Syncing partners into the registry: runs, per-batch transactions, reports (design §2).

Plain Python, callable without Prefect; ``flows/`` wraps it for scheduling and observability.
"""
