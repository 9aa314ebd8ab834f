# Production-like image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint needs Pango and fonts; libpq is provided by psycopg[binary].
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY openflex ./openflex
COPY vehicles ./vehicles
COPY opportunities ./opportunities
COPY payments ./payments
COPY signatures ./signatures
COPY leads ./leads
RUN pip install --no-cache-dir --no-deps .
COPY manage.py ./
COPY templates ./templates
COPY static ./static

RUN useradd --create-home --uid 1000 openflex && mkdir -p /app/var/media && chown -R openflex /app/var
USER openflex
ENV DJANGO_SETTINGS_MODULE=openflex.settings.production OPENFLEX_BIND=0.0.0.0:8000
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "openflex.wsgi:application", "--config", "openflex/gunicorn.conf.py"]
