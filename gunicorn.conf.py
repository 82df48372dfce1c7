"""Gunicorn settings for the training server, chosen with ./scripts/bench; override with GUNICORN_CMD_ARGS.

Why these values (measured on a 2-core machine; figures in README « Performance »):
- worker_class "sync": on the module page, sync workers cost 3.2 ms of CPU per request against
  4.1 ms for gthread (2 workers × 4 threads) and 4.8 ms for gthread (4 × 2), with more
  requests per second and a p99/p50 no worse (4.3 against 4.9). Threads in one process
  share the GIL, and with gthread one worker can capture every keep-alive connection while
  the other idles. Sync workers close each connection: the reverse proxy in front keeps the
  clients' connections and buffers slow ones, as gunicorn's documentation recommends.
- workers = cores + 1: one process per core for the CPU-bound pages, plus one so that a
  long request (a PDF or a zip export, an Argon2 login) does not take half of the capacity.
  Each more worker costs about 65 MB of private memory (RSS ≈ 100 MB, part shared).
- preload_app: the app (content parsed and validated, templates) is imported once in the
  master and forked, so start-up costs one import, not one per worker, and workers share
  those pages copy-on-write. Content is frozen at start-up, so nothing is lost by this.
- max_requests = 0: no recycling. The app holds no state that grows per request (its caches
  are bounded: one frozen page per module, quiz and exercise, and at most 4,000 rendered
  attendance-sheet rows, see attendance/sheet_render.py). With the
  former 2000 a worker restarted about every 25 s under load, and each restart re-imported
  the app (1.3 s of CPU) and started with cold caches.
"""
import multiprocessing
import os

bind = os.environ.get("TRAINING_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRAINING_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "sync"
preload_app = True
max_requests = 0
timeout = 60
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
# Route patterns and status only: request bodies (where reflections travel) are never logged, and
# the redacting logger writes `/questionnaire/<code>` instead of a path holding a token or a code.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
logger_class = "training.logredact.RedactingLogger"
errorlog = "-"
forwarded_allow_ips = os.environ.get("TRAINING_FORWARDED_ALLOW_IPS", "127.0.0.1")
