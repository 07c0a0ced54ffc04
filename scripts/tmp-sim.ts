import { normaliseName } from '../node/src/screening/names.js';
import { compareNames, nameScore } from '../node/src/screening/similarity.js';
const pairs = process.argv.slice(2);
for (let i = 0; i < pairs.length; i += 2) { const c = compareNames(normaliseName(pairs[i]!), normaliseName(pairs[i+1]!)); console.log(pairs[i], '|', pairs[i+1], nameScore(c).toFixed(3), JSON.stringify(c)); }
