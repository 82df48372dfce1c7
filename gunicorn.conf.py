"""Gunicorn settings for the training server, chosen with ./scripts/bench; override with GUNICORN_CMD_ARGS.

Why these values (figures: README « Performance »):
- preload_app: the app (content parsed and validated, templates) is imported once in the
  master and forked, so start-up costs one import, not one per worker, and workers share
  those pages copy-on-write. Content is frozen at start-up, so nothing is lost by this.
- max_requests = 0: no recycling. The app holds no state that grows per request (its caches
  are bounded by the content: one frozen page per module, quiz and exercise), and each
  recycle re-imports nothing but still costs a fork and cold caches; with the old value of
  2000 a worker restarted every 25 s under load and halved even hello world's throughput.
- gthread, 2 workers × 4 threads per core pair: the sync worker closes every connection
  (no keep-alive), and measured with the same keep-alive client it has the worst tail; one
  gthread worker per core with a few threads keeps p99 low while a thread waits on the
  database. More workers than cores only adds memory on this 2-core machine.
"""
import multiprocessing
import os

bind = os.environ.get("TRAINING_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRAINING_WORKERS", multiprocessing.cpu_count()))
threads = 4
worker_class = "gthread"
preload_app = True
max_requests = 0
timeout = 60
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
# Paths and status only: request bodies (where reflections travel) are never logged.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
errorlog = "-"
forwarded_allow_ips = os.environ.get("TRAINING_FORWARDED_ALLOW_IPS", "127.0.0.1")
