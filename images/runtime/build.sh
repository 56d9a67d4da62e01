#!/usr/bin/env bash
# Builds the dojo-runtime image without any image registry: debootstrap a Debian bookworm root
# filesystem with the packages in packages.txt, trim it, add the sandbox user, and `docker import` it.
#
#   images/runtime/build.sh            build unless an image with the same recipe hash exists
#   FORCE=1 images/runtime/build.sh    rebuild the image (the rootfs tarball cache is still used)
#
# The recipe hash covers this script, packages.txt and VERSION. The trimmed rootfs tarball is cached
# under .cache/images/ (and the downloaded .debs under .cache/images/debs/), so a rebuild after
# `docker rmi` takes seconds. Environment: MIRROR (default http://deb.debian.org/debian), SUITE.
# Users with a registry can build images/runtime/Dockerfile instead; the backend needs only the tag.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/.cache/images"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SUITE="${SUITE:-bookworm}"
# The sandbox user; keep in step with host/sandbox/docker (imageUser) and the Dockerfile.
DOJO_UID=10001
# File times in the tarball are clamped to this instant, so two builds of one recipe differ only
# where Debian's maintainer scripts write dates or random bytes.
EPOCH=1700000000

version="$(tr -d ' \n' <"$here/VERSION")"
image="dojo-runtime:$version"
packages="$(grep -v '^#' "$here/packages.txt" | grep -v '^ *$' | sort | paste -sd, -)"
recipe="$(cat "$here/build.sh" "$here/packages.txt" "$here/VERSION" | sha256sum | cut -c1-16)"

command -v docker >/dev/null || { echo "image: the docker CLI is missing" >&2; exit 1; }
docker version --format '{{.Server.Version}}' >/dev/null ||
  { echo "image: the Docker daemon is unreachable" >&2; exit 1; }

have="$(docker image inspect --format '{{ index .Config.Labels "org.mledojo.dojo.recipe" }}' "$image" 2>/dev/null || true)"
if [ "$have" = "$recipe" ] && [ -z "${FORCE:-}" ]; then
  echo "image: $image is up to date (recipe $recipe)"
  exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
tarball="$cache/dojo-runtime-$recipe.tar"
mkdir -p "$cache/debs"

if [ ! -s "$tarball" ]; then
  if ! command -v debootstrap >/dev/null; then
    echo "image: installing debootstrap"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  work="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap '$SUDO rm -rf "$work"' EXIT
  rootfs="$work/rootfs"
  echo "image: debootstrap $SUITE ($packages)"
  $SUDO debootstrap --variant=minbase --components=main --include="$packages" \
    --cache-dir="$cache/debs" "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
    tail -n 40 "$work/debootstrap.log" >&2
    exit 1
  }
  # Trimmed: package lists and caches, documentation, and the Boost headers (140 MB) that scipy's
  # compile-time dependency pythran drags in.
  echo "image: trimming the root filesystem"
  $SUDO chroot "$rootfs" /bin/sh -eu -c "
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /var/lib/dpkg/*-old \
      /var/log/* /usr/share/doc/* /usr/share/man/* /usr/share/info/* /usr/share/locale/* \
      /usr/share/lintian /etc/machine-id /etc/hostname /usr/include/boost
    : > /etc/resolv.conf
    echo 'dojo:x:$DOJO_UID:$DOJO_UID:dojo sandbox:/workspace:/bin/sh' >> /etc/passwd
    echo 'dojo:x:$DOJO_UID:' >> /etc/group
    echo 'dojo:*:19000:0:99999:7:::' >> /etc/shadow
    mkdir -p /data /workspace
    chmod 0755 /data /workspace
    chmod 1777 /tmp
  "
  $SUDO tar --sort=name --numeric-owner --mtime="@$EPOCH" --clamp-mtime --xattrs \
    -C "$rootfs" -cf "$work/rootfs.tar" .
  $SUDO chown "$(id -u):$(id -g)" "$work/rootfs.tar"
  mv "$work/rootfs.tar" "$tarball"
  # Older recipes' tarballs are dead weight.
  find "$cache" -maxdepth 1 -name 'dojo-runtime-*.tar' ! -name "$(basename "$tarball")" -delete
fi

echo "image: importing $image"
old="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
docker import \
  --change "LABEL org.mledojo.dojo.recipe=$recipe org.mledojo.dojo.image=runtime org.mledojo.dojo.version=$version" \
  --change "USER $DOJO_UID:$DOJO_UID" \
  --change "WORKDIR /workspace" \
  --change "ENV PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 PYTHONUNBUFFERED=1 MPLBACKEND=Agg" \
  --change 'ENTRYPOINT ["/usr/bin/tini", "-s", "--"]' \
  --change 'CMD ["sleep", "infinity"]' \
  "$tarball" "$image" >/dev/null
# The previous build of this tag is now untagged; drop it unless a container still uses it.
if [ -n "$old" ] && [ "$old" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
  docker rmi "$old" >/dev/null 2>&1 || true
fi
echo "image: $image built (recipe $recipe, $(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=iec))"
