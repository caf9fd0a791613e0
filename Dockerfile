# marketing_ops: the web app (gunicorn) and, with another command, the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The code stays owned by root (read-only for the app); only media/ is the app's to write.
RUN useradd --create-home --uid 1000 --user-group app

# Dependencies first, so a code change does not reinstall them (pyproject lists them all).
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Static files are collected at build time with production storage (hashed names, compressed);
# the key below exists only for this build step and is never used at run time.
RUN DEBUG=0 SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media

ENV DEBUG=0 \
    MEDIA_ROOT=/app/media

USER app

EXPOSE 8000

CMD ["gunicorn", "marketing_ops.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "120", "--access-logfile", "-"]
