export function listSchemaServices(root: string): string[];
export function sqliteSchemaPath(root: string, service: string): string;
export function postgresqlSchemaPath(root: string, service: string): string;
export function renderPostgresqlSchema(source: string): string;
