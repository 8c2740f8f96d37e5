import { inject, provide, ref, type InjectionKey, type Ref } from 'vue'

/** An error the server pinned on one field (BAD_REQUEST's details.field, CONFLICT on the name). */
export interface FieldError {
  field: string
  message: string
}

const KEY: InjectionKey<Ref<FieldError | null>> = Symbol('field-error')

/** A form provides the server's field error to its sections... */
export function provideFieldError(error: Ref<FieldError | null>): void {
  provide(KEY, error)
}

/** ...which show it under the field it names: `<n-form-item v-bind="fieldError('host')">`. */
export function useFieldError() {
  const error = inject(KEY, ref(null))
  return (path: string): { feedback?: string; validationStatus?: 'error' } =>
    error.value?.field === path ? { feedback: error.value.message, validationStatus: 'error' } : {}
}
