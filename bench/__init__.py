"""Benchmark and load test of the app, served by gunicorn on 127.0.0.1 (see README « Performance »)."""
