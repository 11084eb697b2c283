"""Gunicorn settings for Vigie (used by deploy/vigie-web.service; docs/deploy.md).

Every value can be overridden from /etc/vigie/vigie.env without editing this file.
"""

import multiprocessing
import os

wsgi_app = "vigie.wsgi:application"

# nginx talks to gunicorn on loopback only; never expose gunicorn itself.
bind = os.environ.get("VIGIE_BIND", "127.0.0.1:8001")

# Sync workers plus a few threads: pages are short database reads; threads absorb the wait on
# PostgreSQL without the memory of more processes. 2 × cores + 1 processes is gunicorn's advice.
workers = int(os.environ.get("VIGIE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("VIGIE_THREADS", "4"))
worker_class = "gthread"

# An ERP import of a large landlord (tens of MB) is parsed inside the request.
timeout = int(os.environ.get("VIGIE_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200

# Trust X-Forwarded-Proto only from nginx on this machine (settings: SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("VIGIE_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs go to the journal. The access log records the path *without* the query string: a
# search's query string holds names and phone numbers, which must not end up in logs.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
loglevel = os.environ.get("VIGIE_LOG_LEVEL", "info").lower()
