// Context functions of the reference backend: capsules, context variables, Leave/Reenter, eval, debug aids.
import { ENUMS, STRUCTS } from '../../../abi/abi.generated.js';
import { allocCopy, readCString, readPointer, writeI64, type Pointer } from '../../../native-memory.js';
import { unsupported, type ApiTable, type ReferenceContext } from '../hpy/context.js';
import { contextVarGet, contextVarSet, newContextVar } from '../python/modules/contextvars.js';
import { addressOf } from '../python/text.js';
import { PyCapsule, type CapsuleState, type PyObject } from '../python/objects.js';

const KEY = ENUMS._HPyCapsule_key;
const DESTRUCTOR = STRUCTS.HPyCapsule_Destructor.fields;

type DestructorImpl = (name: bigint, pointer: bigint, context: bigint) => void;

export function runtimeApi(c: ReferenceContext): ApiTable {
  const { rt, ops } = c;
  const o = (h: number) => c.obj(h);
  const ret = (x: PyObject) => c.open(x);
  const asPtr = (p: bigint) => (p ? p : null);

  // koffi hands `const char *` parameters over as JS strings, so the extension's own name
  // pointer is out of reach: a capsule gets a native copy of its name, one per distinct name,
  // kept for the life of the process (names are few, and a destructor may still read one).
  const internedNames = new Map<string, bigint>();
  const internName = (name: string): bigint => {
    let p = internedNames.get(name);
    if (p === undefined) {
      p = allocCopy(Buffer.from(name, 'utf8'));
      internedNames.set(name, p);
    }
    return p;
  };
  const nameText = (p: bigint): string | null => (p ? readCString(p) : null);

  /** The impl of an HPyCapsule_Destructor struct ({cpy_trampoline, impl}); null for NULL. */
  const readDestructor = (d: Pointer | null): DestructorImpl | null => {
    if (!d) return null;
    const trampoline = readPointer(d, DESTRUCTOR.cpy_trampoline.offset), impl = readPointer(d, DESTRUCTOR.impl.offset);
    if (!trampoline || !impl) throw rt.error('ValueError', 'Invalid HPyCapsule destructor');
    const raw = c.impls.fn(impl, 'HPyFunc_CAPSULE_DESTRUCTOR');
    return (name, pointer, context) => raw(asPtr(name), asPtr(pointer), asPtr(context));
  };
  const capsule = (h: number, what: string): PyCapsule => {
    const x = o(h);
    if (!(x instanceof PyCapsule)) throw rt.error('ValueError', `${what} called with invalid PyCapsule object`);
    return x;
  };

  // The capsule repr needs the name from native memory, so it is installed with the capsule API.
  rt.types.capsule.slots = {
    repr: (x) => {
      const name = nameText((x as PyCapsule).state.name);
      return rt.str(`<capsule object ${name === null ? 'NULL' : `"${name}"`} at ${addressOf(x)}>`);
    },
  };

  // Leave/Reenter: the token of the one outstanding Leave, 0 while executing Python.
  let leftWith = 0;
  let lastToken = 0;

  return {
    Capsule_New: (pointer: Pointer | null, name: string | null, destructor: Pointer | null) => {
      if (!pointer) throw rt.error('ValueError', 'PyCapsule_New called with null pointer');
      const state: CapsuleState = {
        pointer, name: name === null ? 0n : internName(name), context: 0n, destructor: readDestructor(destructor),
      };
      const cap = new PyCapsule(rt.types.capsule, state);
      // The death action reads `state` only: referencing the capsule would keep it alive.
      c.lifetime.watch(cap, () => state.destructor?.(state.name, state.pointer, state.context));
      return ret(cap);
    },
    Capsule_Get: (h: number, key: number, name: string | null) => {
      switch (key) {
        case KEY.HPyCapsule_key_Pointer: {
          const cap = capsule(h, 'PyCapsule_GetPointer');
          if (nameText(cap.state.name) !== name) throw rt.error('ValueError', 'PyCapsule_GetPointer called with incorrect name');
          return asPtr(cap.state.pointer);
        }
        case KEY.HPyCapsule_key_Name:
          return asPtr(capsule(h, 'PyCapsule_GetName').state.name);
        case KEY.HPyCapsule_key_Context:
          return asPtr(capsule(h, 'PyCapsule_GetContext').state.context);
        case KEY.HPyCapsule_key_Destructor:
          throw rt.error('ValueError', 'Invalid operation: get HPyCapsule_key_Destructor');
        default:
          throw rt.error('SystemError', `invalid _HPyCapsule_key ${key}`);
      }
    },
    // Never raises: anything but a capsule with this name is simply not valid.
    Capsule_IsValid: (h: number, name: string | null) => {
      const x = c.handles.get(h);
      return x instanceof PyCapsule && nameText(x.state.name) === name ? 1 : 0;
    },
    Capsule_Set: (h: number, key: number, value: Pointer | null) => {
      switch (key) {
        case KEY.HPyCapsule_key_Pointer:
          if (!value) throw rt.error('ValueError', 'PyCapsule_SetPointer called with null pointer');
          capsule(h, 'PyCapsule_SetPointer').state.pointer = value;
          return 0;
        case KEY.HPyCapsule_key_Name:
          // As CPython, the capsule keeps the pointer itself: the extension keeps the text alive.
          capsule(h, 'PyCapsule_SetName').state.name = value ?? 0n;
          return 0;
        case KEY.HPyCapsule_key_Context:
          capsule(h, 'PyCapsule_SetContext').state.context = value ?? 0n;
          return 0;
        case KEY.HPyCapsule_key_Destructor: {
          const cap = capsule(h, 'PyCapsule_SetDestructor');
          cap.state.destructor = readDestructor(value);
          return 0;
        }
        default:
          throw rt.error('SystemError', `invalid _HPyCapsule_key ${key}`);
      }
    },

    ContextVar_New: (name: string | null, dflt: number) => {
      if (name === null) throw rt.error('SystemError', 'bad argument to internal function');
      return ret(newContextVar(rt, name, dflt ? o(dflt) : null));
    },
    // Status 0 with *result NULL when there is no value and no default, as PyContextVar_Get.
    ContextVar_Get: (var_: number, dflt: number, result: Pointer | null) => {
      if (!result) throw rt.error('SystemError', 'HPyContextVar_Get: NULL result pointer');
      writeI64(result, 0, 0);
      const v = contextVarGet(rt, o(var_), dflt ? o(dflt) : null);
      if (v) writeI64(result, 0, ret(v));
      return 0;
    },
    ContextVar_Set: (var_: number, value: number) => ret(contextVarSet(rt, o(var_), o(value))),

    // Nothing runs concurrently in the reference backend; the token only checks the pairing.
    LeavePythonExecution: () => {
      if (leftWith) throw rt.error('SystemError', 'HPy_LeavePythonExecution called twice without HPy_ReenterPythonExecution');
      leftWith = ++lastToken;
      return leftWith;
    },
    ReenterPythonExecution: (state: number | bigint) => {
      if (!leftWith || Number(state) !== leftWith) {
        throw rt.error('SystemError', 'HPy_ReenterPythonExecution called with a thread state that HPy_LeavePythonExecution did not return');
      }
      leftWith = 0;
    },

    // A debug aid in the manner of _PyObject_Dump; it never touches the pending exception.
    Dump: (h: number) => {
      const x = c.handles.get(h);
      if (x === undefined) {
        process.stderr.write(`<NULL or closed handle ${h}>\n`);
        return;
      }
      let repr: string;
      try {
        repr = ops.repr(x);
      } catch {
        repr = '<repr() failed>';
      }
      process.stderr.write(`object handle   : ${h}\nobject address  : ${addressOf(x)}\n`
        + `object type name: ${x.type.tpName}\nobject repr     : ${repr}\n`);
    },

    Compile_s: unsupported('the reference backend has no Python compiler'),
    EvalCode: unsupported('the reference backend has no Python compiler, so no code objects to run'),
    FromPyObject: unsupported('legacy CPython interop: a universal binary cannot hold a PyObject *'),
    AsPyObject: unsupported('legacy CPython interop: the reference backend has no PyObject *'),
    CallRealFunctionFromTrampoline: unsupported('the reference backend calls impls directly, so no trampoline calls it'),
  };
}
