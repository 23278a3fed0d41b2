# One image for every role; docker-compose.yml picks the role with `make web|worker|beat`,
# the same entry points used outside Docker.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHON=python3

RUN apt-get update \
    && apt-get install --yes --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# `make install` builds .venv once here; at start the targets find it up to date.
RUN make install \
    && useradd --create-home --uid 10001 strata \
    && mkdir -p var \
    && chown -R strata:strata /app
USER strata

EXPOSE 8000
CMD ["make", "web", "HOST=0.0.0.0", "PORT=8000"]
