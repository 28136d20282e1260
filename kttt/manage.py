"""The `kttt` console script: Django's manage.py under the project's name."""

import os
import signal
import sys


def main() -> None:
    # `kttt indicators ... | head` should stop quietly, not print a BrokenPipeError traceback.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kttt.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
