import { afterAll } from 'vitest';
import { closeFileResources } from '../file-resources.js';

// Runs for every test file (files share a worker and its modules: isolate is off). Its afterAll
// runs after the file's own hooks.
afterAll(closeFileResources);
