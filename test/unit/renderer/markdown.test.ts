// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { renderMarkdown } from '../../../renderer/src/utils/markdown'

/** The rendered HTML as a tree to inspect (a <template> is inert: nothing in it runs or loads). */
function rendered(source: string): DocumentFragment {
  const t = document.createElement('template')
  t.innerHTML = renderMarkdown(source)
  return t.content
}

/** Every attribute of every element, as `tag@name=value`. */
function attributes(root: DocumentFragment): string[] {
  return [...root.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => `${el.tagName.toLowerCase()}@${a.name}=${a.value}`))
}

const ATTACKS = [
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '<script>alert(1)</script>',
  '[x](JaVaScRiPt:alert(1))',
  '[x](  javascript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<style>body { background: url(https://evil.example/x.png) }</style>',
  '<p style="background:url(https://evil.example/t.png)" onclick="alert(1)" onmouseover="alert(1)">hi</p>',
  '<svg><script>alert(1)</script></svg><svg onload=alert(1)></svg>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">',
  '<form action="https://evil.example/"><input name=a><button>go</button></form>',
  '<video poster="https://evil.example/p.png"><source src="https://evil.example/v.mp4"></video><audio src="https://evil.example/a.mp3"></audio>',
  '<table background="https://evil.example/bg.png"><tr><td background="https://evil.example/bg.png">x</td></tr></table>',
  '<link rel=stylesheet href="https://evil.example/s.css"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<div id="app" class="n-button" data-x="1">clobber</div>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<details open ontoggle=alert(1)><summary>s</summary>x</details>',
  '![x](https://tracker.example/pixel.gif) <img src="//tracker.example/p.gif"> <img srcset="https://tracker.example/a.png 1x">',
]

describe('renderMarkdown', () => {
  it('renders GitHub-flavoured Markdown as MLflow does, single newlines kept', () => {
    const root = rendered(
      '## Sweep\nGrid over **lr**\n× *batch_size*\n\n- metric: `best_val_acc`\n- [x] done\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nprint("hi")\n```\n\n~~old~~',
    )
    expect(root.querySelector('h2')?.textContent).toBe('Sweep')
    expect(root.querySelector('strong')?.textContent).toBe('lr')
    expect(root.querySelector('em')?.textContent).toBe('batch_size')
    expect(root.querySelector('p br')).not.toBeNull()
    expect(root.querySelector('li code')?.textContent).toBe('best_val_acc')
    expect(root.querySelector('table th')?.textContent).toBe('a')
    expect(root.querySelector('td[align="right"]')?.textContent).toBe('2')
    expect(root.querySelector('pre code')?.textContent).toBe('print("hi")\n')
    expect(root.querySelector('del')?.textContent).toBe('old')
    const box = root.querySelector('input')
    expect(box?.getAttribute('type')).toBe('checkbox')
    expect(box?.hasAttribute('disabled')).toBe(true)
    expect(box?.hasAttribute('checked')).toBe(true)
  })

  it('is empty for an empty or blank description', () => {
    expect(renderMarkdown('')).toBe('')
    expect(renderMarkdown('  \n ')).toBe('')
  })

  it.each(ATTACKS)('lets no script, style, frame, handler or javascript: URL through: %s', (attack) => {
    const html = renderMarkdown(attack)
    const root = rendered(attack)
    expect(root.querySelectorAll('script, style, iframe, object, embed, form, button, svg, math, link, meta, video, audio, source, img, noscript').length).toBe(
      0,
    )
    for (const attr of attributes(root)) {
      expect(attr).not.toMatch(/^[a-z0-9]+@on/i)
      expect(attr).not.toMatch(/^[a-z0-9]+@(style|id|data-x|background|srcset|poster|action)=/i)
      // The only class is the one the renderer itself gives to an image it did not load.
      expect(attr).not.toMatch(/@class=(?!md-image$)/)
    }
    for (const a of root.querySelectorAll('[href]')) expect(a.getAttribute('href')).toMatch(/^(https?:|mailto:)/)
    expect(html).not.toMatch(/javascript:/i)
    expect(html).not.toMatch(/<script|onerror|onload|onclick|ontoggle/i)
  })

  it('keeps the text of what it strips, but not the code inside script and style', () => {
    expect(rendered('<p onclick="alert(1)">hello</p>').textContent).toContain('hello')
    expect(rendered('[click me](javascript:alert(1))').textContent).toContain('click me')
    expect(rendered('<script>alert("boom")</script>ok').textContent).not.toContain('boom')
    expect(rendered('<style>.x{}</style>ok').textContent).not.toContain('.x')
  })

  it('opens web and mail links outside the app; relative links become text', () => {
    const root = rendered('[docs](https://mlflow.org/docs) <http://example.com/a> [mail](mailto:a@b.c) [rel](../runs/1) [anchor](#top) [tel](tel:123)')
    const links = [...root.querySelectorAll('a')]
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://mlflow.org/docs', 'http://example.com/a', 'mailto:a@b.c'])
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank')
      expect(a.getAttribute('rel')).toBe('noopener noreferrer')
    }
    expect(root.textContent).toContain('rel')
    expect(root.textContent).toContain('anchor')
    expect(root.textContent).toContain('tel')
  })

  it('loads no remote image: a web image becomes a link named by its alt text, a relative one its alt text', () => {
    const root = rendered('![loss curve](https://example.com/plots/loss.png) ![](https://example.com/img/confusion%20matrix.png) ![local plot](plots/acc.png)')
    expect(root.querySelectorAll('img')).toHaveLength(0)
    const images = [...root.querySelectorAll('.md-image')]
    expect(images.map((e) => [e.tagName, e.textContent])).toEqual([
      ['A', 'loss curve'],
      ['A', 'confusion matrix.png'],
      ['SPAN', 'local plot'],
    ])
    expect(images[0].getAttribute('href')).toBe('https://example.com/plots/loss.png')
    expect(images[0].getAttribute('target')).toBe('_blank')
    expect(images[2].getAttribute('title')).toBe('Image not loaded: plots/acc.png')
  })

  it('keeps a linked badge a single link (no link inside a link)', () => {
    const root = rendered('[![build](https://img.shields.io/badge/build-passing-green)](https://ci.example.com/job/1)')
    const links = root.querySelectorAll('a')
    expect(links).toHaveLength(1)
    expect(links[0].getAttribute('href')).toBe('https://ci.example.com/job/1')
    expect(links[0].querySelector('.md-image')?.tagName).toBe('SPAN')
    expect(links[0].textContent).toBe('build')
  })

  it('draws inline raster images, which need no request, but not inline SVG', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
    expect(rendered(`![dot](${png})`).querySelector('img')?.getAttribute('src')).toBe(png)
    expect(rendered('![svg](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)').querySelector('img')).toBeNull()
  })
})
