#!/usr/bin/env node
import { main } from '../dist/harness/cli.js';

await main(process.argv.slice(2));
