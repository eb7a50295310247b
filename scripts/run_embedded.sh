#!/usr/bin/env bash
# The embedded default: SQLite (WAL, synchronous=FULL), local files, the database-backed task worker,
# demo data (and, with BAOSONG_SAMPLES=1, sample content). Secrets are generated once into var/ (outside the database) and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
DATA="${BAOSONG_DATA_DIR:-$PWD/var}"
export BAOSONG_DATA_DIR="$DATA"
# The data directory holds the database, the keys and the attachments: its owner only.
mkdir -p "$DATA"
chmod 700 "$DATA"
umask 077
[ -s "$DATA/secret_key" ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > "$DATA/secret_key"
[ -s "$DATA/audit_key" ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > "$DATA/audit_key"
[ -s "$DATA/file_key" ] || .venv/bin/python -c "import secrets; print(secrets.token_hex(16))" > "$DATA/file_key"
umask 022


export BAOSONG_DEMO_MODE=${BAOSONG_DEMO_MODE:-1}
export BAOSONG_ALLOWED_HOSTS=${BAOSONG_ALLOWED_HOSTS:-127.0.0.1,localhost,$HOST}
export BAOSONG_SITE_URL=${BAOSONG_SITE_URL:-http://$HOST:$PORT}
export BAOSONG_CSRF_TRUSTED_ORIGINS=${BAOSONG_CSRF_TRUSTED_ORIGINS:-http://$HOST:$PORT}

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py seed_demo > "$DATA/demo_accounts.txt"
# Opt-in sample content (make run SAMPLES=1); idempotent, so a restart adds nothing.
case "${BAOSONG_SAMPLES:-}" in
  1|true|yes) .venv/bin/python manage.py seed_samples ;;
esac

.venv/bin/python manage.py worker > "$DATA/worker.log" 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo
echo "报送平台已启动： http://$HOST:$PORT/"
echo
cat "$DATA/demo_accounts.txt"
echo
echo "管理员账户（三员）登录时需输入动态口令：把上面的密钥添加到手机验证器，或执行"
echo "  BAOSONG_DEMO_MODE=1 .venv/bin/python manage.py totp_code sysadmin"
echo "任务处理进程日志：$DATA/worker.log；按 Ctrl+C 停止。"
echo
# Not exec: the script stays the parent, so its trap stops the worker whenever gunicorn ends.
.venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --access-logfile - --log-level warning
