FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; gettext compiles translations.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
# Installing the (module-less) project installs exactly its pinned runtime dependencies.
RUN pip install --no-cache-dir --constraint requirements.lock .
COPY . .
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore ".venv/*"

RUN useradd --create-home portal && mkdir -p /data/media && chown portal /data/media
USER portal
ENV MEDIA_ROOT=/data/media
EXPOSE 8000
CMD ["gunicorn", "coalition.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
