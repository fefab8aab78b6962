// stdin: the whole input through a stream, line by line, then EOF.
import readline from 'node:readline';
const lines = [];
for await (const line of readline.createInterface({ input: process.stdin })) lines.push(line);
console.log(lines.length, JSON.stringify(lines.slice(0, 3)), lines.at(-1));
console.log('total chars', lines.join('\n').length);
