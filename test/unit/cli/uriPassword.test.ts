import { describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../electron/services/connections/connectionUrl'
import { uriPassword } from '../../../electron/cli/uriPassword'

describe('the password of a --url, as the CLI passes it on', () => {
  it.each([
    ['postgresql://u:pw@h:5432/db', 'pw'],
    ['postgres://u:a%40b@h/db?sslmode=require', 'a@b'],
    ['postgresql+psycopg2://u:pw@h/db', 'pw'],
    ['postgresql://u:pw@/db?host=/tmp', 'pw'],
    ['postgresql://u:p%ZZ@h/db', 'p%ZZ'],
    ['postgresql://u@h/db?password=qq', 'qq'],
  ])('%s gives the password the services read from it', (uri, password) => {
    expect(uriPassword(uri)).toBe(password)
    expect(parseConnectionUrl(uri, '--url').password).toBe(password)
  })

  it('is undefined when the URI has none, or is not a PostgreSQL URI', () => {
    expect(uriPassword('postgresql://u@h/db')).toBeUndefined()
    expect(uriPassword('mysql://u:pw@h/db')).toBeUndefined()
  })
})
