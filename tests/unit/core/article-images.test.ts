import { describe, expect, it } from 'vitest';
import { imageUrls, originPatterns, patternCovers } from '../../../src/core/article-images';

describe('article images', () => {
  it('lists the hero first, then body images, decoded and without duplicates or non-http sources', () => {
    const article = {
      leadImage: 'https://thumbor.ftacademy.cn/unsafe/1340x754/a.jpg',
      contentHtml:
        '<figure><img src="https://thumbor.ftacademy.cn/unsafe/1340x754/a.jpg" alt=""></figure>' +
        '<p>文字</p><img alt="x" src="https://i.ftimg.net/picture/1/b.jpg?w=1&amp;h=2"><img src="data:image/png;base64,AAAA">',
    };
    expect(imageUrls(article)).toEqual([
      'https://thumbor.ftacademy.cn/unsafe/1340x754/a.jpg',
      'https://i.ftimg.net/picture/1/b.jpg?w=1&h=2',
    ]);
  });

  it('never fetches a hero image that is not http(s)', () => {
    expect(imageUrls({ leadImage: 'javascript:alert(1)', contentHtml: '' })).toEqual([]);
  });

  it('turns URLs into one host-permission pattern per origin', () => {
    expect(originPatterns(['https://a.example/x.png', 'https://a.example/y.png', 'http://b.example:8080/z', 'nope'])).toEqual([
      'https://a.example/*',
      'http://b.example:8080/*',
    ]);
  });

  it('gives no pattern for a host that no match pattern can name, rather than one the browser refuses or a wildcard', () => {
    expect(originPatterns(['https://a*b.example/x.png', 'https://*.example/y.png', 'https://a$b.example/z.png', 'https://[::1]:8080/v.png', 'https://例子.example/w.png'])).toEqual([
      'https://[::1]:8080/*',
      'https://xn--fsqu00a.example/*',
    ]);
  });

  it('tells which missing images a granted host permission covers, broad grants and ports included', () => {
    const img = 'https://img.example.com:8443/a/b.jpg?w=1';
    // What permissions.onAdded reports: the popup's own request, or a grant from the browser's site-access settings.
    for (const pattern of ['<all_urls>', 'https://*/*', '*://*/*', '*://*.example.com/*', 'https://img.example.com/*', 'https://img.example.com:8443/*', 'https://IMG.example.com/*']) {
      expect(patternCovers(pattern, img), pattern).toBe(true);
    }
    for (const pattern of ['http://*/*', 'https://img.example.com:443/*', 'https://example.com/*', 'https://*.other.com/*', 'https://img.example.com.evil/*', 'nonsense']) {
      expect(patternCovers(pattern, img), pattern).toBe(false);
    }
    expect(patternCovers('https://*.example.com/*', 'https://example.com/x.png')).toBe(true);
    expect(patternCovers('https://*.example.com/*', 'https://badexample.com/x.png')).toBe(false);
    expect(patternCovers('http://a.example/*', 'http://a.example/x.png')).toBe(true);
    expect(patternCovers('https://[::1]:8080/*', 'https://[::1]:8080/v.png')).toBe(true);
    expect(patternCovers('<all_urls>', 'data:image/png;base64,AAAA')).toBe(false);
  });
});
