FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=0
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings that load; a build-time key is never used at run time.
RUN SECRET_KEY=build-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz AUDIT_SEAL_KEY=build-only ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 10001 app && chown -R app /app
USER app
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "referral_hub.asgi:application"]
