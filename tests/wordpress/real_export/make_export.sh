#!/usr/bin/env bash
# Re-create export.xml and uploads/ with a real WordPress (Debian bookworm's `wordpress`
# package) and a throwaway MariaDB: see README.md. Needs, besides the project's .venv
# (`make install`):
#   apt-get install -y wordpress php-cli php-mysql php-gd mariadb-server
# Touches nothing outside a temporary directory and this folder; the MariaDB server it starts
# there (its own data directory and socket, no TCP port) is stopped and deleted at the end.
# Never reaches the network: WordPress's outgoing HTTP is blocked in the generated wp-config.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
wordpress_src="${WORDPRESS_SRC:-/usr/share/wordpress}"

for tool in php mariadbd mariadb-install-db mariadb-admin; do
    command -v "$tool" >/dev/null || { echo "make_export.sh: $tool is missing (see the header)" >&2; exit 1; }
done
[ -f "$wordpress_src/wp-includes/version.php" ] || { echo "make_export.sh: no WordPress in $wordpress_src" >&2; exit 1; }
php -r 'exit(extension_loaded("mysqli") && extension_loaded("gd") ? 0 : 1);' ||
    { echo "make_export.sh: PHP needs the mysqli and gd extensions (php-mysql, php-gd)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/wp-real-export.XXXXXX")"
db_pid=""
cleanup() {
    if [ -n "$db_pid" ]; then
        mariadb-admin --socket="$work/mysql.sock" --user=root shutdown 2>/dev/null || kill "$db_pid" 2>/dev/null || true
        wait "$db_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== A throwaway MariaDB in $work"
mariadb-install-db --no-defaults --datadir="$work/db" --auth-root-authentication-method=normal \
    --skip-test-db --user="$(id -un)" >"$work/install-db.log" 2>&1 ||
    { cat "$work/install-db.log" >&2; exit 1; }
mariadbd --no-defaults --datadir="$work/db" --socket="$work/mysql.sock" --skip-networking \
    --pid-file="$work/mysql.pid" --user="$(id -un)" --log-error="$work/mysql.err" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci &
db_pid=$!
for _ in $(seq 60); do
    mariadb-admin --socket="$work/mysql.sock" --user=root ping >/dev/null 2>&1 && break
    kill -0 "$db_pid" 2>/dev/null || { cat "$work/mysql.err" >&2; exit 1; }
    sleep 0.5
done
mariadb --socket="$work/mysql.sock" --user=root -e 'CREATE DATABASE wordpress CHARACTER SET utf8mb4'

echo "== WordPress $(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" "$wordpress_src/wp-includes/version.php") copied from $wordpress_src"
cp -a "$wordpress_src" "$work/wordpress"
rm -f "$work/wordpress/wp-config.php" "$work/wordpress/.htaccess"
# Fixed keys: nothing here is secret, the site lives for a minute and never serves a request.
cat >"$work/wordpress/wp-config.php" <<PHP
<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:$work/mysql.sock' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as \$key ) {
	define( \$key, 'throwaway export site ' . \$key );
}
\$table_prefix = 'wp_';
define( 'WP_HOME', 'https://www.imroc.example' );
define( 'WP_SITEURL', 'https://www.imroc.example' );
define( 'WP_CONTENT_DIR', '$work/wordpress/wp-content' );
define( 'WP_DEBUG', false );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
PHP

echo "== The demo's papers and pictures"
(cd "$repo" && "$python" "$here/make_media.py" "$work/media")

echo "== Install, content, export"
php "$here/wp_site.php" "$work/wordpress" install
php "$here/wp_site.php" "$work/wordpress" content "$work/media" "$repo/imroc_site/demo/seed_post.txt"
php "$here/wp_site.php" "$work/wordpress" export "$work/export.xml"

cp "$work/export.xml" "$here/export.xml"
rm -rf "$here/uploads"
cp -r "$work/wordpress/wp-content/uploads" "$here/uploads"

echo "== Checking expected.json against the export"
"$python" "$here/check_expected.py"
echo "Done: $here/export.xml ($(wc -c <"$here/export.xml") bytes), uploads $(du -sh "$here/uploads" | cut -f1)"
