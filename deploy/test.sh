#!/usr/bin/env bash
# The deployment test. Builds deploy/Dockerfile and starts deploy/compose.yaml with the commands of
# README.md's "Run with Docker" section (in a copy of the working tree, so that no deploy/.env or
# certificate of yours is touched), checks from outside what a person running it would see, and
# tears the stack down again, also when a check fails. .ci/run calls it; alone: `bash deploy/test.sh`.
#
# What it needs: a working `docker` (with BuildKit) and Compose (v2 `docker compose`, or v1
# `docker-compose`), Node 20+, Chromium and chromedriver, openssl, curl. As root on Debian it
# installs what is missing (docker.io, docker-compose, mmdebstrap) and starts dockerd, which it
# leaves running afterwards, as .ci/run leaves PostgreSQL and Redis running.
#
# Images: each image the Dockerfile and the compose file name is used as it is when present, else
# pulled. Where no registry answers, a stand-in is built: a Debian base made by mmdebstrap and
# imported, and on it the image from Debian packages (deploy/test/standins/*), tagged with the public
# name and labelled org.samesong.standin. Stand-ins are kept for the next run; remove them with
#   docker image rm $(docker image ls -q --filter label=org.samesong.standin)
# Where a stand-in differs from the real image in a way the compose file notices (nginx 1.22 has no
# `resolve` in upstreams), deploy/test/compose.*.yaml overrides just that.
#
# Environment: SAMESONG_DEPLOY_TEST_KEEP=1 leaves the stack running after the checks (for a look);
# SAMESONG_DEPLOY_TEST_FFMPEG=true builds with FFmpeg (default false: 600 MB less to install).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
here="$repo/deploy/test"
t0=$(date +%s)
elapsed() { echo $(($(date +%s) - t0)); }
log() { printf '\n== [%3ss] %s\n' "$(elapsed)" "$*"; }
die() {
  echo "deploy test FAILED: $*" >&2
  exit 1
}
figures=()
figure() {
  figures+=("$*")
  echo "   $*"
}

# ---------------------------------------------------------------------------------------- engine

apt_install() {
  [ "$(id -u)" = 0 ] || die "needs $* (run as root to install them)"
  log "installing $*"
  apt-get update -qq
  # no service starts from a package: this script starts the daemon itself
  local policy_rc=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    policy_rc=/usr/sbin/policy-rc.d
  fi
  local rc=0 out
  out="$(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" 2>&1)" || rc=$?
  [ -z "$policy_rc" ] || rm -f "$policy_rc"
  [ "$rc" = 0 ] || die "apt-get install $* failed: $out"
}

daemon_up() { docker info >/dev/null 2>&1 || /usr/bin/docker info >/dev/null 2>&1; }

has_compose() {
  command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 ||
    /usr/bin/docker compose version >/dev/null 2>&1
}

log "container engine"
# what is missing, in one apt-get run (mmdebstrap too then: it is small, and a machine without
# Docker has no images either)
missing=()
daemon_up || command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
has_compose || missing+=(docker-compose)
[ ${#missing[@]} = 0 ] || command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
if ! daemon_up; then
  dockerd_log="${TMPDIR:-/tmp}/samesong-dockerd.log"
  echo "   starting dockerd (log: $dockerd_log)"
  # in a session of its own and not a job of this script: it outlives the test
  (setsid dockerd >"$dockerd_log" 2>&1 </dev/null &)
  for _ in $(seq 1 60); do
    daemon_up && break
    sleep 0.5
  done
  daemon_up || die "dockerd did not start: $(tail -5 "$dockerd_log")"
fi

# A docker client whose `build` runs BuildKit: one with buildx, or one older than 23 (those build
# with BuildKit themselves when DOCKER_BUILDKIT=1). A newer client without buildx only has the
# legacy builder, which cannot run the Dockerfile's RUN --mount.
docker=""
for candidate in "$(command -v docker || true)" /usr/bin/docker; do
  [ -x "$candidate" ] || continue
  if "$candidate" buildx version >/dev/null 2>&1; then
    docker="$candidate" && break
  fi
  version="$("$candidate" version --format '{{.Client.Version}}' 2>/dev/null || true)"
  if [ -n "$version" ] && [ "${version%%.*}" -lt 23 ] 2>/dev/null; then
    docker="$candidate" && break
  fi
done
[ -n "$docker" ] || die "no docker client that builds with BuildKit (install buildx)"
export DOCKER_BUILDKIT=1
if "$docker" compose version >/dev/null 2>&1; then
  compose_cmd=("$docker" compose)
else
  compose_cmd=(docker-compose)
fi
echo "   $docker: client $("$docker" version --format '{{.Client.Version}}'), daemon $("$docker" version --format '{{.Server.Version}}'); compose: ${compose_cmd[*]} $("${compose_cmd[@]}" version --short 2>/dev/null || true)"

# --------------------------------------------------------------------------------------- images

base_image=samesong-standin/debian:bookworm
standin_label=org.samesong.standin

ensure_base() {
  "$docker" image inspect "$base_image" >/dev/null 2>&1 && return
  command -v mmdebstrap >/dev/null 2>&1 || apt_install mmdebstrap
  log "making the Debian 12 base image $base_image (mmdebstrap --variant=minbase)"
  local mirror=http://deb.debian.org/debian
  # like Debian's official images: no service starts from a package, no translations, no apt caches
  mmdebstrap --quiet --variant=minbase --aptopt='Acquire::Languages "none"' \
    --customize-hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
    --customize-hook='printf "Dir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n" >"$1/etc/apt/apt.conf.d/docker-clean"' \
    bookworm - "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" |
    "$docker" import -c 'CMD ["bash"]' - "$base_image" >/dev/null
}

# the stand-in folder for a public image name (its Dockerfile's "# standin-for:" line)
standin_for() {
  grep -l -x "# standin-for: $1" "$here"/standins/*/Dockerfile 2>/dev/null | head -1 | xargs -r dirname
}

# the image names a Dockerfile's FROM and COPY --from lines use (not its own stages)
dockerfile_images() {
  local stages
  stages="$(sed -n -E 's/^FROM .* AS ([^ ]+)$/\1/ip' "$1")"
  { sed -n -E 's/^FROM ([^ ]+).*/\1/p' "$1"; grep -o -E -e '--from=[^ ]+' "$1" | cut -d= -f2; } |
    grep -v -x -F "${stages:-none}" | grep -v -E '^\$' | sort -u
}

label_of() { "$docker" image inspect -f "{{index .Config.Labels \"$standin_label\"}}" "$1" 2>/dev/null || echo absent; }
is_standin() {
  local label
  label="$(label_of "$1")"
  [ "$label" != absent ] && [ -n "$label" ] && [ "$label" != "<no value>" ]
}

# Makes sure image $1 exists: present (and no stand-in), pulled, or a stand-in that is up to date
# with its folder (the label holds a hash of the folder, the base image and what it builds on).
ensure_image() {
  local name="$1" dir hash ctx label args=()
  label="$(label_of "$name")"
  if [ "$label" != absent ] && ! is_standin "$name"; then
    echo "   $name: present"
    return
  fi
  if [ "$label" = absent ] && timeout 120 "$docker" pull -q "$name" >/dev/null 2>&1; then
    echo "   $name: pulled"
    return
  fi
  dir="$(standin_for "$name")"
  [ -n "$dir" ] || die "image $name is neither present nor pullable, and deploy/test/standins has no stand-in for it"
  ctx="$(mktemp -d)"
  cp -r "$dir"/. "$ctx"
  case "$(basename "$dir")" in
    temurin-jdk)
      local jre
      jre="$(sed -n -E 's/^# standin-for: //p' "$here/standins/temurin-jre/Dockerfile")"
      ensure_image "$jre"
      args+=(--build-arg "JRE=$jre")
      ;;
    node) cp "$(readlink -f "$(command -v node)")" "$ctx/node" ;;
  esac
  hash="$({
    "$docker" image inspect -f '{{.Id}}' "$base_image"
    for a in "${args[@]}"; do [[ "$a" != *=* ]] || "$docker" image inspect -f '{{.Id}}' "${a#*=}"; done
    cd "$ctx" && find . -type f | sort | xargs sha256sum
  } | sha256sum | cut -c1-16)"
  if [ "$label" = "$hash" ]; then
    echo "   $name: stand-in present"
  else
    local bstart
    bstart=$(date +%s)
    "$docker" build -q --label "$standin_label=$hash" --build-arg "BASE=$base_image" "${args[@]}" \
      -t "$name" "$ctx" >/dev/null || die "stand-in $name did not build"
    echo "   $name: stand-in built from $(basename "$dir") in $(($(date +%s) - bstart)) s"
  fi
  rm -rf "$ctx"
}

log "images the Dockerfile and compose.yaml name"
build_images="$(dockerfile_images "$repo/deploy/Dockerfile")"
compose_images="$(sed -n -E 's/^    image: *([^ ]+).*/\1/p' "$repo/deploy/compose.yaml" |
  grep -v -E '^samesong:|^prom/|^grafana/' | sort -u)"
for image in $build_images $compose_images; do
  if [ "$(label_of "$image")" = absent ] || is_standin "$image"; then
    ensure_base
    break
  fi
done
# Independent images are made side by side: the build's (the JDK stand-in builds on the JRE's) in
# one job, which the image build waits for; each of the compose file's in a job of its own, which
# only `up` waits for.
jobs_dir="$(mktemp -d)"
image_job() {
  local out="$jobs_dir/$1"
  shift
  (for image in "$@"; do ensure_image "$image"; done) >"$out.log" 2>&1 &
  echo $! >"$out.pid"
}
wait_job() {
  local rc=0
  wait "$(cat "$jobs_dir/$1.pid")" || rc=$?
  cat "$jobs_dir/$1.log"
  [ "$rc" = 0 ] || die "images: $1 failed"
}
# shellcheck disable=SC2086 # image names have no spaces
image_job build $build_images

# BuildKit's Maven cache (the Dockerfile's `--mount=type=cache,target=/root/.m2`) is seeded from
# this machine's Maven repository, which CI's Maven run has just filled: the image build then
# downloads only what that lacks, instead of everything as on a user's first build. The Dockerfile
# is the same either way; SAMESONG_DEPLOY_TEST_SEED_M2=false leaves the cache as it is (empty on a
# new machine: the build downloads every dependency).
m2_repository="$HOME/.m2/repository"
seed_job=""
if [ "${SAMESONG_DEPLOY_TEST_SEED_M2:-true}" = true ] && [ -d "$m2_repository" ]; then
  seed_image="$base_image"
  "$docker" image inspect "$seed_image" >/dev/null 2>&1 || seed_image="$(echo "$build_images" | head -1)"
  (
    start=$(date +%s)
    printf 'FROM %s\nRUN --mount=type=cache,target=/root/.m2 --mount=type=bind,target=/seed \\\n    mkdir -p /root/.m2/repository \\\n && cp -a -n /seed/. /root/.m2/repository/\n' "$seed_image" |
      "$docker" build -q -f - "$m2_repository" >/dev/null || exit 1
    echo "   the build's Maven cache seeded from $m2_repository in $(($(date +%s) - start)) s"
  ) >"$jobs_dir/seed.log" 2>&1 &
  echo $! >"$jobs_dir/seed.pid"
  seed_job=seed
fi
n=0
for image in $compose_images; do
  n=$((n + 1))
  image_job "compose$n" "$image"
done

# ------------------------------------------------------------------- the README's commands, run

work="$(mktemp -d "${TMPDIR:-/tmp}/samesong-deploy-test.XXXXXX")"
project=samesong-deploytest
export COMPOSE_PROJECT_NAME="$project"   # not the .env's name: an installation of yours stays apart
compose_files=(-f deploy/compose.yaml)
compose() { (cd "$work" && "${compose_cmd[@]}" "${compose_files[@]}" "$@"); }
container() { compose ps -q "$1"; }

teardown() {
  local rc=$?
  set +e
  # image jobs still running (a failure before `up`)
  for pidfile in "$jobs_dir"/*.pid; do
    [ -e "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  if [ "$rc" != 0 ]; then
    echo "---- logs of the stack (last 60 lines each) ----" >&2
    compose logs --no-color --tail=60 >&2 2>&1
  fi
  if [ "${SAMESONG_DEPLOY_TEST_KEEP:-}" = 1 ]; then
    echo "   stack left running: cd $work && COMPOSE_PROJECT_NAME=$project ${compose_cmd[*]} ${compose_files[*]} ps"
  else
    log "tearing down"
    compose down -v --remove-orphans >/dev/null 2>&1
    rm -rf "$work" "$jobs_dir"
  fi
  [ "$rc" = 0 ] && log "deploy test passed in $(elapsed) s" || log "deploy test FAILED after $(elapsed) s"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# the working tree as it is (committed or not), without build output or ignored files
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  (cd "$repo" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$work"
cd "$work"

# The README's "Run with Docker" commands, exactly: each must appear as a line of README.md.
readme_commands=(
  'deploy/make-cert.sh localhost'
  'sed -e "s/^SAMESONG_JWT_SECRET=.*/SAMESONG_JWT_SECRET=$(openssl rand -hex 32)/" -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$(openssl rand -hex 24)/" deploy/.env.example > deploy/.env'
  'DOCKER_BUILDKIT=1 docker build -f deploy/Dockerfile -t samesong:local .'
  'docker compose -f deploy/compose.yaml up -d'
)
for line in "${readme_commands[@]}"; do
  grep -q -x -F "$line" README.md || die "README.md's \"Run with Docker\" has no line: $line"
done

log "${readme_commands[0]}"
deploy/make-cert.sh localhost
log "deploy/.env from deploy/.env.example with fresh secrets"
sed -e "s/^SAMESONG_JWT_SECRET=.*/SAMESONG_JWT_SECRET=$(openssl rand -hex 32)/" -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$(openssl rand -hex 24)/" deploy/.env.example > deploy/.env

# Behind a proxy that inspects TLS (Maven Central's chain ends in an authority that is not one of
# the system's Mozilla roots), the build gets that authority as its extra_ca secret (see Dockerfile).
build_args=(--build-arg "WITH_FFMPEG=${SAMESONG_DEPLOY_TEST_FFMPEG:-false}")
issuer_hash="$(echo | timeout 20 openssl s_client -showcerts -connect repo.maven.apache.org:443 \
  -servername repo.maven.apache.org 2>/dev/null |
  awk '/BEGIN CERT/ { c = "" } { c = c $0 "\n" } /END CERT/ { last = c } END { printf "%s", last }' |
  openssl x509 -noout -issuer_hash 2>/dev/null || true)"
if [ -n "$issuer_hash" ] && [ -e "/etc/ssl/certs/$issuer_hash.0" ] &&
  [[ "$(readlink -f "/etc/ssl/certs/$issuer_hash.0")" != /usr/share/ca-certificates/mozilla/* ]]; then
  build_args+=(--secret "id=extra_ca,src=$(readlink -f "/etc/ssl/certs/$issuer_hash.0")")
fi
wait_job build
[ -z "$seed_job" ] || wait_job seed
log "${readme_commands[2]} ${build_args[*]}"
build_start=$(date +%s)
"$docker" build --progress=plain "${build_args[@]}" -f deploy/Dockerfile -t samesong:local . \
  >"$jobs_dir/build.log" 2>&1 || {
  tail -40 "$jobs_dir/build.log"
  die "the image did not build"
}
build_s=$(($(date +%s) - build_start))
figure "image built in ${build_s} s; size $(("$("$docker" image inspect -f '{{.Size}}' samesong:local)" / 1000000)) MB (WITH_FFMPEG=${SAMESONG_DEPLOY_TEST_FFMPEG:-false})"

for i in $(seq 1 "$n"); do wait_job "compose$i"; done
nginx_image="$(sed -n -E 's/^    image: *(nginx:[^ ]+).*/\1/p' "$repo/deploy/compose.yaml")"
if is_standin "$nginx_image"; then
  compose_files+=(-f deploy/test/compose.nginx-static.yaml)
fi
log "${readme_commands[3]}${compose_files[2]:+ (with ${compose_files[3]}: the nginx is a stand-in)}"
# what an interrupted run may have left of this test's project
compose down -v --remove-orphans >/dev/null 2>&1 || true
up_start=$(date +%s)
compose up -d
figure "stack up (both instances healthy, nginx started) $(($(date +%s) - up_start)) s after \`up -d\`"

# ------------------------------------------------------------------------------------- checks

s1="$(container samesong1)"
s2="$(container samesong2)"
nginx="$(container nginx)"
[ -n "$s1" ] && [ -n "$s2" ] && [ -n "$nginx" ] || die "a service has no container"
address() { "$docker" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
network="$("$docker" inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$s1")"
health() { "$docker" inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1"; }
wait_healthy() {
  for _ in $(seq 1 180); do
    [ "$(health "$1")" = healthy ] && return 0
    sleep 1
  done
  die "$1 did not turn healthy"
}

log "each instance: non-root, healthy through its image's health check, admin port not published"
for c in "$s1" "$s2"; do
  name="$("$docker" inspect -f '{{.Name}}' "$c")"
  name="${name#/}"
  user="$("$docker" inspect -f '{{.Config.User}}' "$c")"
  uid="$("$docker" exec "$c" sh -c 'awk "/^Uid:/ { print \$2 }" /proc/1/status')"
  [ "$uid" != 0 ] || die "$name runs as root"
  [ "$(health "$c")" = healthy ] || die "$name is $(health "$c")"
  started="$("$docker" inspect -f '{{.State.StartedAt}}' "$c")"
  first_ok="$("$docker" inspect -f '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{.End}}{{"\n"}}{{end}}{{end}}' "$c" | head -1)"
  to_healthy="$(awk -v a="$(date -d "${first_ok% UTC}" +%s.%N)" -v b="$(date -d "${started% UTC}" +%s.%N)" \
    'BEGIN { printf "%.1f", a - b }')"
  ports="$("$docker" inspect -f '{{range $p, $b := .NetworkSettings.Ports}}{{if $b}}{{$p}} {{end}}{{end}}' "$c")"
  [ -z "$ports" ] || die "$name publishes $ports"
  rss="$("$docker" exec "$c" awk '/^VmRSS:/ { print int($2 / 1024) }' /proc/1/status)"
  echo "   $name: user $user (uid $uid), healthy, publishes no port"
  figure "$name: health check passed ${to_healthy} s after the container started; RSS of the JVM $rss MB"
done
published="$("$docker" inspect -f '{{range $p, $b := .NetworkSettings.Ports}}{{if $b}}{{$p}} {{end}}{{end}}' "$nginx")"
echo "   nginx publishes: $published"

log "/prometheus of each instance, scraped from inside the compose network"
for svc in samesong1 samesong2; do
  metrics="$("$docker" run --rm --network "$network" --entrypoint curl samesong:local \
    -fsS "http://$svc:8081/prometheus")" || die "no /prometheus from $svc:8081 inside the network"
  count="$(grep -c '^samesong_' <<<"$metrics" || true)"
  [ "$count" -gt 0 ] || die "$svc:8081/prometheus has no samesong_ metrics"
  echo "   $svc:8081/prometheus: $count samesong_ samples"
done

log "HTTPS through nginx, the certificate verified"
cert="$work/deploy/nginx/certs/samesong.crt"
curl -fsS --cacert "$cert" https://localhost/api/time >/dev/null || die "no /api/time over HTTPS"
[ "$(curl -s -o /dev/null -w '%{http_code}' http://localhost/)" = 301 ] || die "port 80 does not redirect"
echo "   https://localhost/api/time answers; http://localhost/ redirects to HTTPS"

export BASE_URL=https://localhost STATE="$jobs_dir/check-state.json"
export NODE_EXTRA_CA_CERTS="$cert" DOCKER="$docker" NGINX_CONTAINER="$nginx"
export INSTANCES="samesong1=$(address "$s1"),samesong2=$(address "$s2")"
export ADMIN_USER=admin ADMIN_PASSWORD="Deploy-$(openssl rand -hex 12)"
export CHROMIUM="$(command -v chromium || command -v chromium-browser)" CHROMEDRIVER="$(command -v chromedriver)"
export CERT_SPKI="$(openssl x509 -in "$cert" -pubkey -noout | openssl pkey -pubin -outform der |
  openssl dgst -sha256 -binary | base64)"
node_flags=()
node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || node_flags+=(--experimental-websocket)
check() { node "${node_flags[@]}" "$here/check-stack.mjs" "$@"; }

log "the setup screen in headless Chromium"
check gui
log "a session through both instances; a host's command over WebSockets"
check session

log "docker compose restart samesong1 (the API asked through nginx meanwhile)"
export RESTART_CMD="$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' \
  "${compose_cmd[@]}" "${compose_files[@]}" restart samesong1)"
export RESTARTED_CONTAINER="$s1"
check restart

log "figures"
for f in "${figures[@]}"; do echo "   $f"; done
"$docker" stats --no-stream --format '{{.Name}}: {{.MemUsage}} (cgroup memory)' "$s1" "$s2" "$nginx" \
  "$(container postgres)" "$(container redis)"
