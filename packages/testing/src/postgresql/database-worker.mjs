// Runs in a worker thread: creates and lists test databases for temp-postgresql.ts, which waits
// for each answer synchronously (synckit), so that tempDatabaseUrl() stays a plain function.
import pg from 'pg';
import { runAsWorker } from 'synckit';

/** One connection per server, kept for the life of the test file. */
const clients = new Map();

async function connection(serverUrl) {
  let client = clients.get(serverUrl);
  if (!client) {
    client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    clients.set(serverUrl, client);
  }
  return client;
}

const quote = (name) => `"${name.replaceAll('"', '""')}"`;

runAsWorker(async (action, serverUrl, names, template = 'template0') => {
  const client = await connection(serverUrl);
  if (action === 'create') {
    for (const name of names) {
      // A copy of the template: template0 (empty), or a database the global setup migrated.
      await client.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(template)}`);
      // A test database needs no durability: commits need not wait for the disk.
      await client.query(`ALTER DATABASE ${quote(name)} SET synchronous_commit TO off`);
    }
  } else if (action === 'list') {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${names[0]}%`]);
    return rows.map((row) => row.datname);
  }
  return [];
});
