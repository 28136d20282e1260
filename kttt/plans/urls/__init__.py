"""The plans' URLs: `plans` is mounted at /de-an/ (namespace `plans`), `execution` at
/thuc-hien/ (namespace `execution`); kttt/urls.py includes both."""
