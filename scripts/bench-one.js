// Runs one compiled benchmark module and prints its results as one JSON line on stdout.
'use strict';
const mod = require(process.argv[2]);
const run = mod.default ?? mod.run;
Promise.resolve(run())
  .then((results) => {
    process.stdout.write('\n' + JSON.stringify(results) + '\n');
    process.exit(0);
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
