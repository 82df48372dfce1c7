"""Gunicorn defaults for a small training server; override with GUNICORN_CMD_ARGS."""
import multiprocessing
import os

bind = os.environ.get("TRAINING_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRAINING_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
threads = 2
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
# Route patterns and status only: request bodies (where reflections travel) are never logged, and
# the redacting logger writes `/questionnaire/<code>` instead of a path holding a token or a code.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
logger_class = "training.logredact.RedactingLogger"
errorlog = "-"
forwarded_allow_ips = os.environ.get("TRAINING_FORWARDED_ALLOW_IPS", "127.0.0.1")
