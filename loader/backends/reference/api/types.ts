// Context functions of the reference backend: types from HPyType_Spec, HPy_New, payloads and fields.
import { STRUCTS } from '../../../abi/abi.generated.js';
import { readPointer, writePointer, type Pointer } from '../../../native-memory.js';
import { installMemoryview } from '../hpy/buffers.js';
import { partial, type ApiTable, type ReferenceContext } from '../hpy/context.js';
import { loadField, newInstance, payloadOf, storeField } from '../hpy/instances.js';
import { NativeData } from '../hpy/native-data.js';
import { createType } from '../hpy/type-from-spec.js';
import { inherited, shapeOf } from '../hpy/type-info.js';
import { PyType } from '../python/objects.js';

const CALL_IMPL = STRUCTS.HPyCallFunction.fields.impl.offset;

export function typesApi(c: ReferenceContext): ApiTable {
  const { rt } = c;
  const o = (h: number) => c.obj(h);
  const ret = c.open.bind(c);
  const names = new NativeData();
  // memoryview calls the getbuffer slots of HPy types, so it is installed with the context that runs them.
  installMemoryview(c);
  const asStruct = (h: number) => payloadOf(c, o(h));
  const typeArg = (h: number, fn: string): PyType => {
    const t = o(h);
    if (!(t instanceof PyType)) throw rt.typeError(`${fn} arg 1 must be a type`);
    return t;
  };

  return {
    Type_FromSpec: partial('legacy_slots (CPython PyType_Slot arrays) are refused, and itemsize is accepted but '
      + 'instances get no variable-sized part', (spec: Pointer, params: Pointer | null) => ret(createType(c, spec, params))),
    New: (h: number, data: Pointer | null) => {
      const made = newInstance(c, typeArg(h, 'HPy_New'));
      if (data) writePointer(data, 0, made.payload);
      return ret(made.obj);
    },
    Type_GenericNew: (h: number) => ret(newInstance(c, typeArg(h, 'HPy_Type_GenericNew')).obj),
    AsStruct_Object: asStruct,
    AsStruct_Legacy: asStruct,
    AsStruct_Type: asStruct,
    AsStruct_Long: asStruct,
    AsStruct_Float: asStruct,
    AsStruct_Unicode: asStruct,
    AsStruct_Tuple: asStruct,
    AsStruct_List: asStruct,
    AsStruct_Dict: asStruct,
    Type_GetBuiltinShape: (h: number) => {
      const t = o(h);
      if (!(t instanceof PyType)) throw rt.typeError('arg must be a type');
      return shapeOf(t);
    },
    Type_GetName: (h: number) => {
      const t = typeArg(h, 'HPyType_GetName');
      return names.get(t, new TextEncoder().encode(t.name));
    },
    Type_IsSubtype: (a: number, b: number) => (typeArg(a, 'HPyType_IsSubtype').isSubtypeOf(typeArg(b, 'HPyType_IsSubtype')) ? 1 : 0),
    SetCallFunction: (h: number, func: Pointer | null) => {
      const obj = o(h);
      if (!inherited(obj.type, 'call') && inherited(obj.type, 'callOffset') === null) {
        throw rt.typeError(`type '${obj.type.tpName}' does not implement the HPy call protocol`);
      }
      const impl = func ? readPointer(func, CALL_IMPL) : null;
      if (!impl) throw rt.error('SystemError', 'HPy_SetCallFunction: the HPyCallFunction has no impl');
      payloadOf(c, obj);
      obj.native!.call = impl;
      return 0;
    },
    Field_Store: (owner: number, pfield: Pointer | null, value: number) => {
      if (!pfield) throw rt.error('SystemError', 'HPyField_Store: NULL field pointer');
      storeField(c, o(owner), pfield, value ? o(value) : null);
    },
    Field_Load: (owner: number, field: number | bigint) => {
      const v = loadField(c, o(owner), Number(field));
      if (!v) throw rt.error('SystemError', 'HPyField_Load: the field is empty (HPyField_NULL)');
      return ret(v);
    },
  };
}
