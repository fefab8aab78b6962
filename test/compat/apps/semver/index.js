// semver: ranges, comparisons, coercion, sorting.
const semver = require('semver');
console.log(semver.satisfies('1.2.3', '^1.0.0'), semver.satisfies('2.0.0-beta.1', '>=1.x'), semver.maxSatisfying(['1.2.3', '1.4.0', '2.0.0'], '~1.2 || ^1.3'));
console.log(semver.sort(['1.10.0', '1.2.0', '1.2.0-rc.1', '0.9.9']).join(' '), semver.coerce('v3.4 beta').version, semver.inc('1.2.3', 'prerelease', 'rc'));
console.log(new semver.Range('>=1.2.7 <1.3.0 || 2.x').format(), semver.diff('1.2.3', '2.0.0'), semver.valid('x.y.z'));
console.log('process', semver.satisfies(process.versions.node, '>=18'));
