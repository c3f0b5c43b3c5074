// Dates in every language Fieldnotes ships: a small site per language, with posts on 24 dates
// over two years, is built; each date its archive page writes must be the text the JavaScript
// engine's Intl (CLDR) writes for that language. The app writes dates with the same code as the
// builder (languages.test.mjs compares the two on a Khmer site), so both agree with CLDR. No
// browser: the builder's pages are read from disk. English is written as in Britain ("4 February
// 2025"), the style the blog has always had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSite, prerendered } from './harness.mjs';

const LANGUAGES = ['en', 'km', 'th', 'zh', 'vi', 'id', 'fr', 'es', 'pt', 'de', 'ar'];
const DATES = [1999, 2025].flatMap((year) => Array.from({ length: 12 }, (_, m) => {
  const day = [1, 9, 10, 28, 31, 30, 31, 15, 30, 31, 11, 31][m];
  return `${year}-${String(m + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}));

test('the builder writes every date as CLDR does, in each shipped language', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-dates-'));
  try {
    const content = path.join(work, 'content');
    fs.mkdirSync(content);
    for (const date of DATES) fs.writeFileSync(path.join(content, `p-${date}.md`), `---\ntitle: On ${date}\ndate: ${date}\n---\nA day.\n`);
    const wrong = [];
    for (const language of LANGUAGES) {
      fs.writeFileSync(path.join(content, 'site.toml'), `title = "Dates"\nlanguage = "${language}"\nposts_per_page = 50\n`);
      const out = path.join(work, language);
      buildSite({ content, out });
      const intl = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
      for (const year of ['1999', '2025']) {
        const html = prerendered(out, `/archive/${year}/`);
        const written = Object.fromEntries([...html.matchAll(/<time datetime="([^"]+)">([^<]*)<\/time>/g)].map((m) => [m[1], m[2]]));
        for (const date of DATES.filter((d) => d.startsWith(year))) {
          const want = intl.format(new Date(`${date}T00:00:00Z`));
          if (written[date] !== want) wrong.push(`${language} ${date}: wrote ${JSON.stringify(written[date])}, CLDR ${JSON.stringify(want)}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
