import type { ErrorPayload } from "../generated/desk/ErrorPayload";

function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    "message" in value &&
    typeof (value as { message: unknown }).message === "string"
  );
}

/** Turns whatever a command rejected with into an ErrorPayload the UI can show. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (isErrorPayload(error)) {
    const { code = null, detail = null } = error as Partial<ErrorPayload>;
    return { code: code ?? null, message: error.message, detail: detail ?? null };
  }
  if (typeof error === "string") return { code: null, message: error, detail: null };
  return { code: null, message: "Something went wrong.", detail: String(error) };
}

/** Wraps a promise so that it rejects with an ErrorPayload. */
export async function normalized<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw toErrorPayload(error);
  }
}
