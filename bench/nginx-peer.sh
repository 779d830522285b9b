# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the benchmarks: starts nginx, the peer, on a free loopback port
# under $work/nginx, with the http-level settings in $1 and the body of its
# one server block in $2. Sets nginx_pid, port and worker (the pid of its one
# worker process, whose CPU and memory are measured).
start_nginx() {
  mkdir -p "$work/nginx/tmp"
  # When run as root, nginx workers drop to an unprivileged user.
  chmod 755 "$work" "$work/nginx"
  chmod 777 "$work/nginx/tmp"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  $1
  server {
    listen 127.0.0.1:$port;
    $2
  }
}
EOF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  nginx_pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.05; done
  worker=$(pgrep -P "$nginx_pid" | head -n 1)
}
