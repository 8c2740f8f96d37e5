import { describe, expect, it } from 'vitest'
import { describeTarget, parseConnectionUrl, targetToUrl } from '../../../electron/services/connections/connectionUrl'
import { redact } from '../../../electron/services/security/redact'

describe('connection URLs', () => {
  it('reads libpq URIs, with MLflow’s SQLAlchemy and postgres:// forms too', () => {
    for (const scheme of ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+pg8000']) {
      const t = parseConnectionUrl(`${scheme}://ml%40user:s3cr%2Ft@db.example.com:6543/mlflow`)
      expect(t).toMatchObject({ host: 'db.example.com', port: 6543, user: 'ml@user', password: 's3cr/t', database: 'mlflow' })
    }
  })

  it('honours libpq parameters: sslmode and a search_path in options', () => {
    const t = parseConnectionUrl('postgresql://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem&options=-c%20search_path%3Dmlflow')
    expect(t.ssl).toEqual({ mode: 'verify-full', root_cert: '/etc/ca.pem', cert: null, key: null })
    expect(t.schema).toBe('mlflow')
    expect(parseConnectionUrl('postgresql://u@h/db?sslmode=disable').ssl?.mode).toBe('disable')
    // libpq's default
    expect(parseConnectionUrl('postgresql://u@h/db').ssl?.mode).toBe('prefer')
    expect(() => parseConnectionUrl('postgresql://u@h/db?sslmode=on')).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONNECTION', message: expect.stringContaining('verify-full') }),
    )
  })

  it('defaults the port to 5432', () => {
    expect(parseConnectionUrl('postgresql://u@h/db').port).toBe(5432)
  })

  it('refuses non-PostgreSQL tracking URIs with a message that says what to give instead', () => {
    expect(() => parseConnectionUrl('http://mlflow.example.com:5000', 'MLFLOW_TRACKING_URI')).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONNECTION', message: expect.stringMatching(/^MLFLOW_TRACKING_URI: "http".*postgresql:\/\//) }),
    )
    expect(() => parseConnectionUrl('mysql://u@h/db')).toThrowError(expect.objectContaining({ code: 'INVALID_CONNECTION' }))
  })

  it('never shows the password when describing a target', () => {
    const t = parseConnectionUrl('postgresql://u:hunter2-pass@h:5432/db')
    expect(describeTarget(t)).toBe('u@h:5432/db')
    expect(targetToUrl(t)).not.toContain('hunter2')
    expect(targetToUrl(t, true)).toContain('hunter2-pass')
  })
})

describe('secret redaction', () => {
  it('removes registered secrets and passwords inside URIs from any text', () => {
    parseConnectionUrl('postgresql://u:another-secret-pw@h/db')
    expect(redact('failed with another-secret-pw here')).toBe('failed with *** here')
    expect(redact('postgresql+psycopg2://bob:xyz@host/db')).toBe('postgresql+psycopg2://bob:***@host/db')
  })
})

describe('paths typed by people', () => {
  it('expand a leading ~ like a shell', async () => {
    const { expandHome } = await import('../../../electron/services/config/appPaths')
    const { homedir } = await import('node:os')
    expect(expandHome('~/.ssh/id_ed25519')).toBe(`${homedir()}/.ssh/id_ed25519`)
    expect(expandHome('/etc/ssl/ca.pem')).toBe('/etc/ssl/ca.pem')
    expect(expandHome('~other/x')).toBe('~other/x')
  })
})
