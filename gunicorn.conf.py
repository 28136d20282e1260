"""gunicorn's defaults for KTTT (`make serve`, and any gunicorn started in this directory,
which reads ./gunicorn.conf.py by itself). GUNICORN_CMD_ARGS and the command line override
every value here: gunicorn reads this file first, then the environment, then its arguments.
docs/deployment.md "gunicorn's settings"."""

# 2 workers of 4 threads suit a 2-core machine (docs/performance.md).
workers = 2
threads = 4
# A large Excel import runs inside one request.
timeout = 600
accesslog = "-"
errorlog = "-"
# No runtime control socket (gunicornc): nothing to manage it with, one file fewer.
control_socket_disable = True
