import { describe, expect, it } from 'vitest';

import { parseCliOptions } from './cli-options.js';

describe('parseCliOptions', () => {
  it('runs every part with every library by default', () => {
    expect(parseCliOptions([])).toEqual({
      parts: ['mnist', 'fiori', 'clustered-128', 'clustered-384', 'filtered'],
      quick: false,
      libraries: ['usearch', 'hnswlib', 'needle'],
      efConstruction: 128,
      help: false,
    });
  });

  it('selects parts, libraries and settings', () => {
    expect(
      parseCliOptions([
        '--dataset=fiori,filtered',
        '--quick',
        '--libs=needle',
        '--ef-construction=200',
      ]),
    ).toMatchObject({
      parts: ['fiori', 'filtered'],
      quick: true,
      libraries: ['needle'],
      efConstruction: 200,
    });
  });

  it('runs the durable part only when named', () => {
    expect(parseCliOptions([]).parts).not.toContain('durable');
    expect(parseCliOptions(['--dataset=durable', '--quick'])).toMatchObject({
      parts: ['durable'],
      quick: true,
    });
  });

  it('names an unknown dataset, library, flag or bad number', () => {
    expect(() => parseCliOptions(['--dataset=sift'])).toThrow(/unknown dataset "sift"/);
    expect(() => parseCliOptions(['--libs=faiss'])).toThrow(/unknown library "faiss"/);
    expect(() => parseCliOptions(['--fast'])).toThrow(/--fast/);
    expect(() => parseCliOptions(['--ef-construction=0'])).toThrow(/positive integer/);
  });
});
