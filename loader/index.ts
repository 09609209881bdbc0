// hpy-matrix's programmatic API: load universal binaries on a backend, or inspect them.
export { LoadError, openBinary, type OpenedBinary, type OpenOptions } from './binary.js';
export { parseFileName, type FileName } from './file-name.js';
export { PythonError, type Backend, type Capabilities, type Ref } from './backend.js';
export { BACKEND_NAMES, createBackend } from './backends/index.js';
export { staticReport, ReportError, type StaticReport } from './static/report.js';
