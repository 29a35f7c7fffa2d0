#!/usr/bin/env bash
# docker build smoke test (run by .ci/run when a Docker daemon answers): builds the image, checks
# that no dev dependency made it in, starts it on the embedded database and waits for /healthz,
# then prints the image's size. Cleans up its container and image on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(node -p 'require("./package.json").version')"
tag="callsheet-smoke:$version-$$"
name="callsheet-smoke-$$"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; docker rmi -f "$tag" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker build --quiet -t "$tag" . >/dev/null
# Dev dependencies must not be in the runtime image (issue 18: tsx and esbuild were).
for dev in tsx esbuild typescript vitest; do
  if docker run --rm --entrypoint sh "$tag" -c "test -e node_modules/$dev"; then echo "docker smoke: dev dependency $dev is in the image" >&2; exit 1; fi
done
docker run -d --name "$name" -e LOG_LEVEL=warn "$tag" >/dev/null
for _ in $(seq 1 90); do
  if docker exec "$name" node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
    size="$(docker image inspect "$tag" --format '{{.Size}}')"
    echo "docker smoke: /healthz answered; image $(( size / 1024 / 1024 )) MB"
    exit 0
  fi
  if [ "$(docker inspect -f '{{.State.Running}}' "$name")" != true ]; then break; fi
  sleep 2
done
echo "docker smoke: the container did not become healthy; its log:" >&2
docker logs "$name" 2>&1 | tail -40 >&2
exit 1
