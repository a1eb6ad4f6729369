#!/usr/bin/env bash
# A throwaway Virtuoso 7 (Debian virtuoso-opensource-7-bin) for tests and benchmarks:
# loopback only, non-default ports, database in a disposable folder kept out of git.
#
# Usage: scripts/virtuoso.sh install|start|restart|stop|status ...   (in that order, e.g. `install start`)
#   install  installs virtuoso-opensource-7-bin when virtuoso-t is missing (binaries only:
#            no debconf prompt, no system service, no default database)
#   start    creates a FRESH database (the folder is wiped), sets the dba password to
#            $VIRTUOSO_PASSWORD, starts the server and waits until /sparql answers
#   restart  stops that server and runs a new one on the same database
#   stop     stops the server started by `start` (by its pid)
#   status   exits 0 when that server is running
#
# Environment: VIRTUOSO_PASSWORD (start; 8-20 characters: Virtuoso silently cuts longer
# ones to 20), VIRTUOSO_DIR (default .virtuoso), VIRTUOSO_SQL_PORT (21111),
# VIRTUOSO_HTTP_PORT (28890), VIRTUOSO_BUFFERS (8 KiB pages of cache, 10000 = 80 MiB),
# VIRTUOSO_MAX_ROWS (result rows the server returns before it truncates, 1000000),
# VIRTUOSO_QUERY_SECONDS (a query's time before the server answers what it has, flagged in the
# X-SQL-State header, 120).
# kgbp then reaches it at KGBP_STORE=http://127.0.0.1:$VIRTUOSO_HTTP_PORT/sparql,
# KGBP_STORE_USER=dba, KGBP_STORE_PASSWORD=$VIRTUOSO_PASSWORD.
set -euo pipefail
VDIR=${VIRTUOSO_DIR:-.virtuoso}
SQL_PORT=${VIRTUOSO_SQL_PORT:-21111}
HTTP_PORT=${VIRTUOSO_HTTP_PORT:-28890}
BUFFERS=${VIRTUOSO_BUFFERS:-10000}
MAX_ROWS=${VIRTUOSO_MAX_ROWS:-1000000}
QUERY_SECONDS=${VIRTUOSO_QUERY_SECONDS:-120}

install() {
  command -v virtuoso-t >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || {
    echo "virtuoso-t is missing and apt-get is not available: install Virtuoso Open Source 7 by hand" >&2
    return 1
  }
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing: virtuoso-opensource-7-bin"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    virtuoso-opensource-7-bin >/dev/null
}

write_ini() {
  # Relative paths resolve against the server's working directory ($VDIR).
  cat > "$VDIR/virtuoso.ini" <<INI
[Database]
DatabaseFile       = db/virtuoso.db
ErrorLogFile       = db/virtuoso.log
LockFile           = db/virtuoso.lck
TransactionFile    = db/virtuoso.trx
xa_persistent_file = db/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = db/virtuoso-temp.db
TransactionFile    = db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort          = 127.0.0.1:${SQL_PORT}
DisableUnixSocket   = 1
ServerThreads       = 20
CheckpointInterval  = 60
NumberOfBuffers     = ${BUFFERS}
MaxDirtyBuffers     = $((BUFFERS * 3 / 4))
CaseMode            = 2
MaxStaticCursorRows = 5000
AllowOSCalls        = 0
DirsAllowed         = .

[HTTPServer]
ServerPort           = 127.0.0.1:${HTTP_PORT}
ServerRoot           = www
MaxClientConnections = 16
ServerThreads        = 16
KeepAliveTimeout     = 10

[SPARQL]
ResultSetMaxRows           = ${MAX_ROWS}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = ${QUERY_SECONDS}
INI
}

pid_of_server() {
  [ -f "$VDIR/server.pid" ] || return 1
  local pid
  pid=$(cat "$VDIR/server.pid")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start() {
  : "${VIRTUOSO_PASSWORD:?set VIRTUOSO_PASSWORD to the dba password for this instance}"
  if [ ${#VIRTUOSO_PASSWORD} -lt 8 ] || [ ${#VIRTUOSO_PASSWORD} -gt 20 ]; then
    echo "VIRTUOSO_PASSWORD must have 8 to 20 characters" >&2; return 1
  fi
  command -v virtuoso-t >/dev/null 2>&1 || { echo "virtuoso-t not found: run '$0 install' first" >&2; return 1; }
  if pid_of_server >/dev/null; then
    echo "a server from $VDIR is already running: run '$0 stop' first" >&2; return 1
  fi
  # Wipe only a folder this script made (it holds our ini), never anything else.
  if [ -e "$VDIR" ] && [ -n "$(ls -A "$VDIR" 2>/dev/null)" ] && [ ! -f "$VDIR/virtuoso.ini" ]; then
    echo "$VDIR exists and is not a Virtuoso folder made by this script: refusing to wipe it" >&2; return 1
  fi
  rm -rf "$VDIR" && mkdir -p "$VDIR/db" "$VDIR/www"
  write_ini
  # One-shot run: creates the database, changes the dba password, checkpoints, exits.
  (cd "$VDIR" && virtuoso-t +configfile virtuoso.ini +foreground \
     +pwdold dba +pwddba "$VIRTUOSO_PASSWORD" > db/init.out 2>&1) || true
  launch
}

# Runs the server on the database in $VDIR and waits until /sparql answers.
launch() {
  # Own session (setsid): the server must not share a process group with the caller.
  (cd "$VDIR" && { setsid virtuoso-t +configfile virtuoso.ini +foreground \
     > db/server.out 2>&1 < /dev/null & echo $! > server.pid; })
  local pid
  pid=$(cat "$VDIR/server.pid")
  for _ in $(seq 1 600); do                      # up to 60 s
    if curl -sf -o /dev/null "http://127.0.0.1:${HTTP_PORT}/sparql?query=ASK%7B%7D"; then
      echo "virtuoso ready: http://127.0.0.1:${HTTP_PORT}/sparql (pid $pid)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "virtuoso died during start:" >&2; tail -20 "$VDIR/db/virtuoso.log" >&2; return 1; }
    sleep 0.1
  done
  echo "virtuoso not ready after 60 s:" >&2; tail -20 "$VDIR/db/virtuoso.log" >&2
  stop; return 1
}

stop() {
  local pid
  pid=$(pid_of_server) || { rm -f "$VDIR/server.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true          # quick shutdown; the database is thrown away anyway
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" || true; fi
  rm -f "$VDIR/server.pid"
}

restart() {
  # The same database, a new server process: Virtuoso 7.2 can answer wrongly after the
  # data it had planned queries on has grown (see docs/virtuoso.md); a restart clears that.
  [ -f "$VDIR/virtuoso.ini" ] || { echo "no database in $VDIR: run '$0 start' first" >&2; return 1; }
  stop
  launch
}

status() {
  pid_of_server >/dev/null
}

[ $# -gt 0 ] || { echo "usage: $0 install|start|restart|stop|status ..." >&2; exit 2; }
for command in "$@"; do
  case "$command" in
    install|start|restart|stop|status) "$command" ;;
    *) echo "usage: $0 install|start|restart|stop|status ..." >&2; exit 2 ;;
  esac
done
