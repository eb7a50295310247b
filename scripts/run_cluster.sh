#!/usr/bin/env bash
# A whole Baosong cluster on this one machine, from the files an operator adapts for real machines
# (deploy/): a PostgreSQL primary and a streaming replica (pg_createcluster + pg_basebackup -R), Redis,
# two web nodes (gunicorn) with identical settings behind nginx, and two task workers.
#
#   scripts/run_cluster.sh [start]   start what is not running yet (idempotent), print the URL and logins
#   scripts/run_cluster.sh stop      stop everything this script started in BAOSONG_CLUSTER_DIR, only that
#   scripts/run_cluster.sh status    one line per part
#   scripts/run_cluster.sh destroy   stop, drop the two PostgreSQL clusters, delete BAOSONG_CLUSTER_DIR
#
# Everything lives in BAOSONG_CLUSTER_DIR (default var/cluster): cluster.env (ports and names, chosen on the
# first start and kept), baosong.env (the nodes' environment), data/ (keys, files), nginx/, run/ (pid
# files), logs/. The PostgreSQL data directories are there too when the postgres account can reach them
# (else in /var/lib/postgresql/<version>/<name>, Debian's default). The machine's own PostgreSQL and Redis
# are never touched. Runs as root (the PostgreSQL clusters run as the postgres account).
#
# Ports, on the first start (later starts reuse cluster.env): BAOSONG_CLUSTER_PORT (nginx, default 8090),
# BAOSONG_CLUSTER_WEB_PORTS (comma-separated, one per web node, default 8091,8092),
# BAOSONG_CLUSTER_PG_PORTS (primary,replica; default 5491,5492), BAOSONG_CLUSTER_REDIS_PORT (6391).
# A default port that is taken is replaced by a free one. BAOSONG_CLUSTER_WORKERS (default 2) task
# workers; BAOSONG_CLUSTER_GUNICORN (default "--workers 2 --threads 4", as make run) per web node.
# Any other BAOSONG_* variable set by the caller reaches the nodes (e.g. BAOSONG_BENCH_FLOOR=1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
PGVER=${BAOSONG_CLUSTER_PG_VERSION:-15}
DIR=$(realpath -m "${BAOSONG_CLUSTER_DIR:-$ROOT/var/cluster}")
CMD=${1:-start}
# The cluster never runs as a test: a caller's test settings must not reach its nodes.
unset BAOSONG_TESTING DJANGO_SETTINGS_MODULE

log() { echo "[cluster $(date +%T)] $*" >&2; }
die() { echo "[cluster] 错误：$*" >&2; exit 1; }

port_free() {
  "$PY" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pick_port() {  # $1: wanted port; prints it, or a free one if it is taken
  if port_free "$1"; then echo "$1"; else free_port; fi
}

# ------------------------------------------------------------------------------------ state
load_state() {
  if [ -f "$DIR/cluster.env" ]; then
    # shellcheck disable=SC1091
    . "$DIR/cluster.env"
    return
  fi
  [ "$CMD" = start ] || die "$DIR 中没有集群（先执行 scripts/run_cluster.sh start）"
  mkdir -p "$DIR"
  local tag
  tag=$(printf '%s' "$DIR" | sha1sum | cut -c1-6)
  NGINX_PORT=$(pick_port "${BAOSONG_CLUSTER_PORT:-8090}")
  WEB_PORTS=""
  for p in $(echo "${BAOSONG_CLUSTER_WEB_PORTS:-8091,8092}" | tr ',' ' '); do
    WEB_PORTS="$WEB_PORTS $(pick_port "$p")"
  done
  WEB_PORTS=${WEB_PORTS# }
  IFS=, read -r p1 p2 <<<"${BAOSONG_CLUSTER_PG_PORTS:-5491,5492}"
  PG_PRIMARY_PORT=$(pick_port "$p1")
  PG_REPLICA_PORT=$(pick_port "$p2")
  REDIS_PORT=$(pick_port "${BAOSONG_CLUSTER_REDIS_PORT:-6391}")
  WORKERS=${BAOSONG_CLUSTER_WORKERS:-2}
  PG_PRIMARY="bs${tag}_primary"
  PG_REPLICA="bs${tag}_replica"
  cat >"$DIR/cluster.env" <<EOF
# Written by scripts/run_cluster.sh on the first start; later starts reuse it.
NGINX_PORT=$NGINX_PORT
WEB_PORTS="$WEB_PORTS"
PG_PRIMARY_PORT=$PG_PRIMARY_PORT
PG_REPLICA_PORT=$PG_REPLICA_PORT
REDIS_PORT=$REDIS_PORT
WORKERS=$WORKERS
PG_PRIMARY=$PG_PRIMARY
PG_REPLICA=$PG_REPLICA
EOF
}

# A pid file's process, if it still runs and is what we started (a recycled pid is not ours).
alive() {  # $1 pid file, $2 a word of its command line
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  [ -d "/proc/$pid" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

stop_pid() {  # $1 pid file, $2 a word of its command line, $3 name
  if ! alive "$1" "$2"; then
    rm -f "$1"
    return 0
  fi
  local pid
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    [ -d "/proc/$pid" ] || break
    sleep 0.2
  done
  if [ -d "/proc/$pid" ]; then
    log "$3 did not stop within 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
  log "$3 stopped"
}

pg_exists() { pg_lsclusters -h 2>/dev/null | awk -v v="$PGVER" -v n="$1" '$1 == v && $2 == n {f = 1} END {exit !f}'; }
pg_online() { pg_lsclusters -h 2>/dev/null | awk -v v="$PGVER" -v n="$1" '$1 == v && $2 == n && $4 ~ /online/ {f = 1} END {exit !f}'; }
psql_on() {  # $1 port, rest: psql arguments; as the postgres account over the local socket
  local port=$1
  shift
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"
}

# Can the postgres account (and so nginx's workers) reach a path? (make run leaves var/ at 0700.)
reachable() { runuser -u postgres -- test -x "$1" 2>/dev/null; }

secret() {  # $1 file: a random password, made once
  if [ ! -s "$1" ]; then
    (umask 077 && "$PY" -c 'import secrets; print(secrets.token_hex(16))' >"$1")
  fi
  cat "$1"
}

# ------------------------------------------------------------------------------------ parts
start_postgres() {
  local pgdir="$DIR/pg" dir1 dir2 logopt1=() logopt2=()
  mkdir -p "$DIR/secrets" && chmod 700 "$DIR/secrets"
  DB_PASSWORD=$(secret "$DIR/secrets/db_password")
  REPL_PASSWORD=$(secret "$DIR/secrets/replication_password")
  if reachable "$DIR"; then
    mkdir -p "$pgdir" && chown postgres:postgres "$pgdir"
    dir1="$pgdir/primary" dir2="$pgdir/replica"
    logopt1=(-l "$pgdir/primary.log") logopt2=(-l "$pgdir/replica.log")
  else
    dir1="/var/lib/postgresql/$PGVER/$PG_PRIMARY" dir2="/var/lib/postgresql/$PGVER/$PG_REPLICA"
  fi
  if ! pg_exists "$PG_PRIMARY"; then
    log "PostgreSQL primary: pg_createcluster $PGVER $PG_PRIMARY -p $PG_PRIMARY_PORT"
    pg_createcluster "$PGVER" "$PG_PRIMARY" -p "$PG_PRIMARY_PORT" -d "$dir1" "${logopt1[@]}" \
      -o wal_level=replica -o max_wal_senders=5 -o max_replication_slots=5 \
      -o hot_standby=on -o max_connections=200 >/dev/null
  fi
  pg_online "$PG_PRIMARY" || pg_ctlcluster --skip-systemctl-redirect "$PGVER" "$PG_PRIMARY" start
  wait_for "PostgreSQL primary" pg_isready -q -h 127.0.0.1 -p "$PG_PRIMARY_PORT"
  # The application's role owns its database (migrate creates triggers); replication has its own role.
  psql_on "$PG_PRIMARY_PORT" <<EOF
SELECT format('CREATE ROLE baosong LOGIN PASSWORD %L', '$DB_PASSWORD')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'baosong') \gexec
SELECT format('CREATE ROLE replicator REPLICATION LOGIN PASSWORD %L', '$REPL_PASSWORD')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') \gexec
SELECT 'CREATE DATABASE baosong OWNER baosong'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'baosong') \gexec
EOF
  if ! pg_exists "$PG_REPLICA"; then
    log "PostgreSQL replica: pg_createcluster $PGVER $PG_REPLICA -p $PG_REPLICA_PORT, pg_basebackup -R"
    pg_createcluster "$PGVER" "$PG_REPLICA" -p "$PG_REPLICA_PORT" -d "$dir2" "${logopt2[@]}" \
      -o hot_standby=on -o max_connections=200 >/dev/null
    # The replica's data directory is a copy of the primary's; its configuration (port) stays in
    # /etc/postgresql. -R writes standby.signal and primary_conninfo; the slot keeps the WAL it needs.
    find "$dir2" -mindepth 1 -delete
    psql_on "$PG_PRIMARY_PORT" -c "SELECT pg_drop_replication_slot('$PG_REPLICA') FROM pg_replication_slots WHERE slot_name = '$PG_REPLICA'" >/dev/null
    runuser -u postgres -- env PGPASSWORD="$REPL_PASSWORD" pg_basebackup -h 127.0.0.1 \
      -p "$PG_PRIMARY_PORT" -U replicator -D "$dir2" -R -X stream -C -S "$PG_REPLICA" --checkpoint=fast
  fi
  pg_online "$PG_REPLICA" || pg_ctlcluster --skip-systemctl-redirect "$PGVER" "$PG_REPLICA" start
  wait_for "PostgreSQL replica" pg_isready -q -h 127.0.0.1 -p "$PG_REPLICA_PORT"
}

start_redis() {
  if alive "$DIR/run/redis.pid" redis-server; then return; fi
  log "Redis on $REDIS_PORT"
  # No snapshots: this local Redis holds the queue and the cache of a throw-away cluster.
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$DIR/run/redis.pid" --logfile "$DIR/logs/redis.log" --dir "$DIR/run" >/dev/null
  wait_for Redis redis-cli -p "$REDIS_PORT" ping
}

write_env() {
  local data="$DIR/data" db="postgres://baosong:$DB_PASSWORD@127.0.0.1"
  local url="http://127.0.0.1:$NGINX_PORT" origins="http://127.0.0.1:$NGINX_PORT,http://localhost:$NGINX_PORT"
  local p
  for p in $WEB_PORTS; do origins="$origins,http://127.0.0.1:$p"; done
  mkdir -p "$data/files" && chmod 700 "$data"
  (
    umask 077
    [ -s "$data/secret_key" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$data/secret_key"
    [ -s "$data/audit_key" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$data/audit_key"
    [ -s "$data/file_key" ] || "$PY" -c "import secrets; print(secrets.token_hex(16))" >"$data/file_key"
    # The same environment on every node: deploy/env.example is the real machines' version of this.
    cat >"$DIR/baosong.env" <<EOF
BAOSONG_DEMO_MODE=1
BAOSONG_DATA_DIR=$data
DATABASE_URL=$db:$PG_PRIMARY_PORT/baosong
BAOSONG_REPLICA_URLS=$db:$PG_REPLICA_PORT/baosong
BAOSONG_TASK_BACKEND=rq
BAOSONG_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
BAOSONG_RQ_QUEUE=baosong
BAOSONG_CACHE_URL=redis://127.0.0.1:$REDIS_PORT/1
BAOSONG_STORAGE=local
BAOSONG_FILES_DIR=$data/files
BAOSONG_BEHIND_PROXY=1
BAOSONG_ALLOWED_HOSTS=127.0.0.1,localhost
BAOSONG_SITE_URL=$url
BAOSONG_CSRF_TRUSTED_ORIGINS=$origins
EOF
  )
}

run_env() {  # runs "$@" with the nodes' environment on top of the caller's
  (
    set -a
    # shellcheck disable=SC1091
    . "$DIR/baosong.env"
    set +a
    exec "$@"
  )
}

prepare_app() {
  # Front-end assets as `make assets` copies them (not through make: its npm ci would replace a
  # node_modules that is a link to another checkout's).
  local vendor="$ROOT/baosong/core/static/vendor"
  if [ ! -s "$vendor/htmx.min.js" ] || [ ! -s "$vendor/echarts.min.js" ]; then
    [ -s "$ROOT/node_modules/htmx.org/dist/htmx.min.js" ] || die "缺少前端资源，请先执行 make setup"
    mkdir -p "$vendor"
    cp "$ROOT/node_modules/htmx.org/dist/htmx.min.js" "$ROOT/node_modules/echarts/dist/echarts.min.js" "$vendor/"
  fi
  # migrate when the code's migrations differ from those last applied here: a restart after a node
  # stopped then costs only that node's start.
  local migrations
  migrations=$(find "$ROOT/baosong" -path '*/migrations/*.py' -type f | sort | xargs sha1sum | sha1sum | cut -c1-40)
  if [ "$(cat "$DIR/run/migrated" 2>/dev/null)" != "$migrations" ]; then
    log "migrate"
    run_env "$PY" manage.py migrate --noinput -v0
    echo "$migrations" >"$DIR/run/migrated"
  fi
  # collectstatic compresses every file again (a minute and more): only when a static file changed.
  local manifest="$ROOT/staticfiles/staticfiles.json"
  if [ ! -s "$manifest" ] || [ -n "$(find "$ROOT/baosong" -path '*/static/*' -newer "$manifest" -print -quit)" ]; then
    run_env "$PY" manage.py collectstatic --noinput -v0
  fi
  if [ ! -s "$DIR/demo_accounts.txt" ]; then
    log "seed_demo"
    run_env "$PY" manage.py seed_demo >"$DIR/demo_accounts.txt.tmp"
    mv "$DIR/demo_accounts.txt.tmp" "$DIR/demo_accounts.txt"
  fi
}

start_workers() {
  local i
  for i in $(seq 1 "$WORKERS"); do
    alive "$DIR/run/worker$i.pid" "manage.py worker" && continue
    log "worker $i"
    # Detached (its own session, no terminal, no inherited pipes): a daemon, stopped by `stop`. setsid
    # may fork, so the process writes its own pid before it becomes the worker.
    rm -f "$DIR/run/worker$i.pid"
    setsid bash -c 'set -a; . "$1"; set +a; echo $$ >"$2"; shift 2; exec "$@"' _ "$DIR/baosong.env" \
      "$DIR/run/worker$i.pid" "$PY" manage.py worker </dev/null >>"$DIR/logs/worker$i.log" 2>&1 &
  done
  for i in $(seq 1 "$WORKERS"); do
    wait_for "worker $i" alive "$DIR/run/worker$i.pid" "manage.py worker"
  done
}

start_web() {
  local i=0 port
  for port in $WEB_PORTS; do
    i=$((i + 1))
    alive "$DIR/run/web$i.pid" gunicorn && continue
    log "web node $i on 127.0.0.1:$port"
    # shellcheck disable=SC2086
    run_env "$GUNICORN" config.wsgi:application --config "$ROOT/deploy/gunicorn.conf.py" \
      --bind "127.0.0.1:$port" ${BAOSONG_CLUSTER_GUNICORN:---workers 2 --threads 4} --daemon \
      --pid "$DIR/run/web$i.pid" --access-logfile "$DIR/logs/web$i.access.log" \
      --error-logfile "$DIR/logs/web$i.log" --log-level warning --name "baosong-web$i"
  done
  i=0
  for port in $WEB_PORTS; do
    i=$((i + 1))
    wait_for "web node $i" answers "http://127.0.0.1:$port/healthz"
  done
}

answers() {  # the node answers (200, or 503 while no worker has beaten yet)
  local code
  code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" || true)
  [ "$code" = 200 ] || [ "$code" = 503 ]
}

# nginx.conf for this machine, generated from deploy/nginx/baosong.conf: the upstream's nodes become the
# local web nodes, plain HTTP on 127.0.0.1 instead of TLS, logs and temp files in the cluster directory.
write_nginx() {
  local ng="$DIR/nginx" nodes="" port user=""
  mkdir -p "$ng/tmp"
  for port in $WEB_PORTS; do
    nodes="$nodes    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;\n"
  done
  awk -v nodes="$nodes" -v listen="    listen 127.0.0.1:$NGINX_PORT;" -v logs="$DIR/logs/nginx-" '
    /# cluster:drop-begin/ {skip = 1}
    /# cluster:drop-end/ {skip = 0; next}
    skip {next}
    /# cluster:node/ {if (!done) {printf "%s", nodes; done = 1}; next}
    /# cluster:listen/ {print listen; next}
    /ssl_/ {next}
    {gsub("/var/log/nginx/", logs); print}
  ' "$ROOT/deploy/nginx/baosong.conf" >"$ng/baosong.conf"
  if [ "$(id -u)" = 0 ]; then
    # nginx's workers write proxy temp files: www-data when it can reach them, else root.
    if runuser -u www-data -- test -x "$ng" 2>/dev/null; then
      user="user www-data;"
      chown www-data "$ng/tmp"
    else
      user="user root;"
    fi
  fi
  cat >"$ng/nginx.conf" <<EOF
# Generated by scripts/run_cluster.sh; the site is $ng/baosong.conf (from deploy/nginx/baosong.conf).
$user
worker_processes 1;
pid $DIR/run/nginx.pid;
error_log $DIR/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    server_tokens off;
    client_body_temp_path $ng/tmp/body;
    proxy_temp_path $ng/tmp/proxy;
    fastcgi_temp_path $ng/tmp/fastcgi;
    uwsgi_temp_path $ng/tmp/uwsgi;
    scgi_temp_path $ng/tmp/scgi;
    include $ng/baosong.conf;
}
EOF
}

start_nginx() {
  local ng="$DIR/nginx"
  write_nginx
  nginx -t -q -c "$ng/nginx.conf" -p "$ng/" -e "$DIR/logs/nginx-error.log"
  if alive "$DIR/run/nginx.pid" nginx; then
    nginx -s reload -c "$ng/nginx.conf" -p "$ng/" -e "$DIR/logs/nginx-error.log"
  else
    log "nginx on 127.0.0.1:$NGINX_PORT"
    nginx -c "$ng/nginx.conf" -p "$ng/" -e "$DIR/logs/nginx-error.log"
  fi
  wait_for nginx answers "http://127.0.0.1:$NGINX_PORT/healthz"
}

wait_for() {  # $1 name, rest: a command that succeeds once the part is up (60 s at most)
  local name=$1
  shift
  for _ in $(seq 1 120); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "$name 在 60 秒内没有就绪（日志在 $DIR/logs）"
}

# ------------------------------------------------------------------------------------ commands
start() {
  [ "$(id -u)" = 0 ] || die "须以 root 身份运行（PostgreSQL 集群以 postgres 账户运行，由 pg_ctlcluster 启动）"
  mkdir -p "$DIR/run" "$DIR/logs"
  start_postgres
  start_redis
  write_env
  prepare_app
  start_workers
  start_web
  start_nginx
  echo
  echo "报送平台集群已启动： http://127.0.0.1:$NGINX_PORT/"
  echo "  nginx 127.0.0.1:$NGINX_PORT → Web 节点 $(echo "$WEB_PORTS" | sed 's/\([0-9]*\)/127.0.0.1:\1/g')；任务处理进程 $WORKERS 个"
  echo "  PostgreSQL 主库 $PG_PRIMARY_PORT（$PG_PRIMARY），流复制备库 $PG_REPLICA_PORT（$PG_REPLICA）；Redis $REDIS_PORT"
  echo "  节点的环境变量：$DIR/baosong.env；日志：$DIR/logs/"
  echo
  cat "$DIR/demo_accounts.txt"
  echo
  echo "管理员账户（三员）登录时需输入动态口令：set -a; . $DIR/baosong.env; set +a; .venv/bin/python manage.py totp_code sysadmin"
  echo "停止：scripts/run_cluster.sh stop；状态：scripts/run_cluster.sh status"
}

stop() {
  local i
  stop_pid "$DIR/run/nginx.pid" nginx nginx
  for i in $(seq 1 "$(echo "$WEB_PORTS" | wc -w)"); do
    stop_pid "$DIR/run/web$i.pid" gunicorn "web node $i"
  done
  for i in $(seq 1 "$WORKERS"); do
    stop_pid "$DIR/run/worker$i.pid" "manage.py worker" "worker $i"
  done
  stop_pid "$DIR/run/redis.pid" redis-server Redis
  local name
  for name in "$PG_REPLICA" "$PG_PRIMARY"; do
    if pg_online "$name"; then
      pg_ctlcluster --skip-systemctl-redirect "$PGVER" "$name" stop -m fast
      log "PostgreSQL $name stopped"
    fi
  done
}

destroy() {
  stop
  local name
  for name in "$PG_REPLICA" "$PG_PRIMARY"; do
    if pg_exists "$name"; then
      pg_dropcluster "$PGVER" "$name"
      log "PostgreSQL $name dropped"
    fi
  done
  rm -rf "$DIR"
  log "$DIR removed"
}

status() {
  local i=0 port state
  part() { printf '%-22s %s\n' "$1" "$2"; }
  for name in "$PG_PRIMARY" "$PG_REPLICA"; do
    if pg_online "$name"; then state=running; else state=stopped; fi
    part "postgresql $name" "$state"
  done
  if pg_online "$PG_PRIMARY"; then
    state=$(psql_on "$PG_PRIMARY_PORT" -tA -c "SELECT coalesce(string_agg(application_name || ' ' || state || ', replay lag ' || coalesce(replay_lag::text, '0'), '; '), 'no standby') FROM pg_stat_replication" 2>/dev/null || echo unknown)
    part "  replication" "$state"
  fi
  if alive "$DIR/run/redis.pid" redis-server; then state="running :$REDIS_PORT"; else state=stopped; fi
  part redis "$state"
  for i in $(seq 1 "$WORKERS"); do
    if alive "$DIR/run/worker$i.pid" "manage.py worker"; then state="running pid $(cat "$DIR/run/worker$i.pid")"; else state=stopped; fi
    part "worker $i" "$state"
  done
  i=0
  for port in $WEB_PORTS; do
    i=$((i + 1))
    if alive "$DIR/run/web$i.pid" gunicorn; then
      state="running :$port, /healthz $(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)"
    else
      state=stopped
    fi
    part "web $i" "$state"
  done
  if alive "$DIR/run/nginx.pid" nginx; then
    state="running http://127.0.0.1:$NGINX_PORT/, /healthz $(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/healthz" || true)"
  else
    state=stopped
  fi
  part nginx "$state"
}

case "$CMD" in
  start | stop | status | destroy) ;;
  *) die "用法：scripts/run_cluster.sh [start|stop|status|destroy]" ;;
esac
if [ "$CMD" != start ] && [ ! -f "$DIR/cluster.env" ]; then
  log "$DIR 中没有集群"
  exit 0
fi
load_state
"$CMD"
