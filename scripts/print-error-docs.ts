import { writeFileSync } from 'node:fs';
import { errorCodesMarkdown } from '../src/common/error-codes';

/** `npm run docs:errors`: writes docs/errors.md from the error-code descriptions. */
writeFileSync('docs/errors.md', errorCodesMarkdown());
console.log('Wrote docs/errors.md');
