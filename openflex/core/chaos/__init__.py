"""``make chaos``: the product run as production runs it, and broken on purpose (X-1).

``harness.run`` starts its own Redis, SMTP sink, gunicorn, Celery worker and beat on the
``openflex_chaos`` database, plays three scenarios (worker kills, a broker outage,
terminated database backends), waits for the system to settle and checks that every
side effect happened exactly once (``checks``). ``manage.py chaos`` is its command.
"""
