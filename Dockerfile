# Value Curve's app server and task worker (the same image; compose.yaml runs both).
# Not built on the development machine (no Docker there): keep it simple.
FROM python:3.13-slim-bookworm

# The Makefile's SYSTEM_PACKAGES, less the test-only ones (Java for the HTML checker,
# poppler-utils for the PDF tests); Node only to fetch the vendored static files.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium fonts-dejavu-core fonts-noto-core fonts-noto-cjk gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 valuecurve
WORKDIR /app

COPY pyproject.toml package.json package-lock.json ./
RUN pip install --no-cache-dir . && npm ci --no-audit --no-fund --loglevel=error

COPY . .
RUN DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && python manage.py compilemessages --ignore='*' \
 && mkdir -p /app/media && chown -R valuecurve:valuecurve /app/media

USER valuecurve
ENV DEBUG=false MEDIA_ROOT=/app/media PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["gunicorn", "valuecurve.wsgi", "--bind=0.0.0.0:8000", "--workers=2", "--threads=4", "--keep-alive=75"]
