// node:test loads reporters before tsx's hooks apply (Node 20), so this shim loads the TypeScript reporter
// through tsx's API and hands the event stream to it.
import { tsImport } from 'tsx/esm/api';

const { default: reporter } = await tsImport('./results-reporter.ts', import.meta.url);
export default reporter;
