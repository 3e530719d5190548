#!/usr/bin/env node
// The executable: loads the built CLI (npm run build writes dist/).
import { main } from '../dist/main.js';

await main(process.argv);
