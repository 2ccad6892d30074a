# Sourced by scripts/test.sh: start the local PostgreSQL cluster Debian created and make a
# throwaway PostGIS database for the export tests; exports NEAGEO_TEST_PG.
# Only loopback is used (the cluster listens on localhost).  The database is named after the
# checkout, so two checkouts on one machine (git worktrees) can run their tests at the same time.

pg_db="neageo_test_$(printf '%s' "$PWD" | md5sum | cut -c1-8)"

cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  echo "no PostgreSQL cluster found" >&2
  return 1
fi
read -r pg_version pg_name <<<"$cluster"
pg_port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
pg_ctlcluster "$pg_version" "$pg_name" start 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h localhost -p $pg_port" && break
  sleep 1
done
su postgres -c "psql -q -p $pg_port -d postgres -v ON_ERROR_STOP=1" <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'neageo_test') THEN
    CREATE ROLE neageo_test LOGIN PASSWORD 'neageo_test';
  END IF;
END \$\$;
DROP DATABASE IF EXISTS ${pg_db} WITH (FORCE);
CREATE DATABASE ${pg_db} OWNER neageo_test;
SQL
su postgres -c "psql -q -p $pg_port -d ${pg_db} -c 'CREATE EXTENSION IF NOT EXISTS postgis'" >/dev/null
export NEAGEO_TEST_PG="postgresql://neageo_test:neageo_test@localhost:${pg_port}/${pg_db}"
echo "PostGIS test database: postgresql://neageo_test:***@localhost:${pg_port}/${pg_db}" >&2
