// What a binary has left to port to HPy: each name of CPython's C API it imports (a hybrid
// binary, halfway through its port, still imports some), grouped by family, with what replaces
// it in HPy 0.9 where something does. The table is ours; test/migration.test.ts checks that
// every replacement it names is HPy 0.9.0 API.
import { CTX_MEMBERS } from '../abi/abi.generated.js';

export interface LegacyName {
  /** As the binary imports it, e.g. `_PyArg_ParseTuple_SizeT`. */
  name: string;
  /** The HPy 0.9 function, macro or handle (`ctx->h_None`) that does its job; null when none does. */
  replacement: string | null;
}

export interface Migration {
  /** e.g. "17 legacy C-API functions left; 12 have an HPy replacement". */
  summary: string;
  /** Functions and objects imported. */
  functions: number;
  objects: number;
  /** How many of them have a replacement. */
  replaceable: number;
  /** In DISPLAY order, names sorted within each. */
  groups: Array<{ family: string; names: LegacyName[] }>;
}

/** Each family with the prefixes of its names; the first match wins, so narrower ones come first. */
const FAMILIES: Array<[family: string, prefix: RegExp]> = [
  ['arguments', /^_?(PyArg_|Py_BuildValue|_Py_BuildValue)/],
  ['memory', /^(PyMem_|PyObject_(Malloc|Calloc|Realloc|Free|Init|GC_Del)|_PyObject_(GC_)?New)/],
  ['types', /^(PyType_|_PyType_|PyObject_GC_|PyMember_|PyDescr_|PyStructSequence_|Py\w+_Type$)/],
  ['errors', /^(PyErr_|_PyErr_|PyExc_|PyException_|Py_FatalError)/],
  ['numbers', /^(PyLong_|_PyLong_|PyFloat_|PyBool_|PyNumber_|PyComplex_|_Py_(True|False)Struct)/],
  ['strings', /^(PyUnicode_|_PyUnicode_|PyBytes_|_PyBytes_|PyByteArray_)/],
  ['containers', /^(PyTuple_|_PyTuple_|PyList_|_PyList_|PyDict_|_PyDict_|PySet_|PyFrozenSet_|PySlice_|PySequence_|PyMapping_|PyIter_)/],
  ['modules', /^(PyModule_|PyModuleDef_|PyImport_|PyState_)/],
  ['capsules', /^PyCapsule_/],
  ['interpreter', /^(PyEval_|PyGILState_|PyThreadState_|PyRun_|Py_CompileString|PyContextVar_)/],
  ['objects', /^(PyObject_|_PyObject_|Py_IncRef|Py_DecRef|_Py_Dealloc|Py_Is|PyCallable_|PyVectorcall_|_Py_(None|NotImplemented)Struct|_Py_EllipsisObject)/],
];
const OTHER = 'other';
/** The order a report lists them in. */
const DISPLAY = ['objects', 'numbers', 'strings', 'containers', 'errors', 'types', 'modules', 'arguments', 'memory',
  'capsules', 'interpreter', OTHER];

/** Names that are data (an exception class, a type, a singleton), not functions. */
const OBJECT = /^(PyExc_\w+|Py\w+_Type|_Py_\w+Struct|_Py_EllipsisObject)$/;

/** What replaces each common function. Absent: nothing in HPy 0.9 does its job. */
export const REPLACEMENTS: Readonly<Record<string, string>> = {
  // objects
  Py_IncRef: 'HPy_Dup', Py_DecRef: 'HPy_Close', _Py_Dealloc: 'HPy_Close',
  PyObject_GetAttr: 'HPy_GetAttr', PyObject_GetAttrString: 'HPy_GetAttr_s',
  PyObject_SetAttr: 'HPy_SetAttr', PyObject_SetAttrString: 'HPy_SetAttr_s',
  PyObject_HasAttr: 'HPy_HasAttr', PyObject_HasAttrString: 'HPy_HasAttr_s',
  PyObject_GetItem: 'HPy_GetItem', PyObject_SetItem: 'HPy_SetItem', PyObject_DelItem: 'HPy_DelItem',
  PyObject_Repr: 'HPy_Repr', PyObject_Str: 'HPy_Str', PyObject_ASCII: 'HPy_ASCII', PyObject_Bytes: 'HPy_Bytes',
  PyObject_RichCompare: 'HPy_RichCompare', PyObject_RichCompareBool: 'HPy_RichCompareBool',
  PyObject_Hash: 'HPy_Hash', PyObject_IsTrue: 'HPy_IsTrue', PyObject_Size: 'HPy_Length', PyObject_Length: 'HPy_Length',
  PyObject_Type: 'HPy_Type', PyObject_Call: 'HPy_CallTupleDict', PyObject_CallObject: 'HPy_CallTupleDict',
  PyObject_Vectorcall: 'HPy_Call', PyObject_CallOneArg: 'HPy_Call', PyObject_CallNoArgs: 'HPy_Call',
  PyObject_CallFunctionObjArgs: 'HPy_Call', PyObject_VectorcallMethod: 'HPy_CallMethod',
  PyObject_CallMethodObjArgs: 'HPy_CallMethod', PyCallable_Check: 'HPyCallable_Check',
  _Py_NoneStruct: 'ctx->h_None', _Py_NotImplementedStruct: 'ctx->h_NotImplemented', _Py_EllipsisObject: 'ctx->h_Ellipsis',
  // numbers
  PyLong_FromLong: 'HPyLong_FromLong', PyLong_FromUnsignedLong: 'HPyLong_FromUnsignedLong',
  PyLong_FromLongLong: 'HPyLong_FromLongLong', PyLong_FromUnsignedLongLong: 'HPyLong_FromUnsignedLongLong',
  PyLong_FromSsize_t: 'HPyLong_FromSsize_t', PyLong_FromSize_t: 'HPyLong_FromSize_t',
  PyLong_AsLong: 'HPyLong_AsLong', PyLong_AsUnsignedLong: 'HPyLong_AsUnsignedLong',
  PyLong_AsUnsignedLongMask: 'HPyLong_AsUnsignedLongMask', PyLong_AsLongLong: 'HPyLong_AsLongLong',
  PyLong_AsUnsignedLongLong: 'HPyLong_AsUnsignedLongLong', PyLong_AsUnsignedLongLongMask: 'HPyLong_AsUnsignedLongLongMask',
  PyLong_AsSsize_t: 'HPyLong_AsSsize_t', PyLong_AsSize_t: 'HPyLong_AsSize_t', PyLong_AsDouble: 'HPyLong_AsDouble',
  PyLong_AsVoidPtr: 'HPyLong_AsVoidPtr', PyFloat_FromDouble: 'HPyFloat_FromDouble', PyFloat_AsDouble: 'HPyFloat_AsDouble',
  PyBool_FromLong: 'HPyBool_FromLong', _Py_TrueStruct: 'ctx->h_True', _Py_FalseStruct: 'ctx->h_False',
  PyNumber_Check: 'HPyNumber_Check', PyNumber_Add: 'HPy_Add', PyNumber_Subtract: 'HPy_Subtract',
  PyNumber_Multiply: 'HPy_Multiply', PyNumber_MatrixMultiply: 'HPy_MatrixMultiply', PyNumber_FloorDivide: 'HPy_FloorDivide',
  PyNumber_TrueDivide: 'HPy_TrueDivide', PyNumber_Remainder: 'HPy_Remainder', PyNumber_Divmod: 'HPy_Divmod',
  PyNumber_Power: 'HPy_Power', PyNumber_Negative: 'HPy_Negative', PyNumber_Positive: 'HPy_Positive',
  PyNumber_Absolute: 'HPy_Absolute', PyNumber_Invert: 'HPy_Invert', PyNumber_Lshift: 'HPy_Lshift',
  PyNumber_Rshift: 'HPy_Rshift', PyNumber_And: 'HPy_And', PyNumber_Xor: 'HPy_Xor', PyNumber_Or: 'HPy_Or',
  PyNumber_Index: 'HPy_Index', PyNumber_Long: 'HPy_Long', PyNumber_Float: 'HPy_Float',
  PyNumber_InPlaceAdd: 'HPy_InPlaceAdd', PyNumber_InPlaceSubtract: 'HPy_InPlaceSubtract',
  PyNumber_InPlaceMultiply: 'HPy_InPlaceMultiply', PyNumber_InPlaceTrueDivide: 'HPy_InPlaceTrueDivide',
  PyNumber_InPlaceFloorDivide: 'HPy_InPlaceFloorDivide', PyNumber_InPlaceRemainder: 'HPy_InPlaceRemainder',
  PyNumber_InPlacePower: 'HPy_InPlacePower', PyNumber_InPlaceOr: 'HPy_InPlaceOr', PyNumber_InPlaceAnd: 'HPy_InPlaceAnd',
  // strings
  PyUnicode_FromString: 'HPyUnicode_FromString', PyUnicode_FromFormat: 'HPyUnicode_FromFormat',
  PyUnicode_FromFormatV: 'HPyUnicode_FromFormatV', PyUnicode_AsUTF8AndSize: 'HPyUnicode_AsUTF8AndSize',
  PyUnicode_AsUTF8: 'HPyUnicode_AsUTF8AndSize', PyUnicode_AsUTF8String: 'HPyUnicode_AsUTF8String',
  PyUnicode_AsASCIIString: 'HPyUnicode_AsASCIIString', PyUnicode_AsLatin1String: 'HPyUnicode_AsLatin1String',
  PyUnicode_FromWideChar: 'HPyUnicode_FromWideChar', PyUnicode_DecodeFSDefault: 'HPyUnicode_DecodeFSDefault',
  PyUnicode_DecodeFSDefaultAndSize: 'HPyUnicode_DecodeFSDefaultAndSize', PyUnicode_EncodeFSDefault: 'HPyUnicode_EncodeFSDefault',
  PyUnicode_ReadChar: 'HPyUnicode_ReadChar', PyUnicode_DecodeASCII: 'HPyUnicode_DecodeASCII',
  PyUnicode_DecodeLatin1: 'HPyUnicode_DecodeLatin1', PyUnicode_FromEncodedObject: 'HPyUnicode_FromEncodedObject',
  PyUnicode_Substring: 'HPyUnicode_Substring',
  PyBytes_FromString: 'HPyBytes_FromString', PyBytes_FromStringAndSize: 'HPyBytes_FromStringAndSize',
  PyBytes_AsString: 'HPyBytes_AsString', PyBytes_Size: 'HPyBytes_Size',
  // containers
  PyTuple_New: 'HPyTupleBuilder_New', PyTuple_SetItem: 'HPyTupleBuilder_Set', PyTuple_Pack: 'HPyTuple_Pack',
  PyTuple_GetItem: 'HPy_GetItem_i', PyTuple_Size: 'HPy_Length',
  PyList_New: 'HPyList_New', PyList_Append: 'HPyList_Append', PyList_SetItem: 'HPy_SetItem_i',
  PyList_GetItem: 'HPy_GetItem_i', PyList_Size: 'HPy_Length',
  PyDict_New: 'HPyDict_New', PyDict_SetItem: 'HPy_SetItem', PyDict_SetItemString: 'HPy_SetItem_s',
  PyDict_GetItem: 'HPy_GetItem', PyDict_GetItemString: 'HPy_GetItem_s', PyDict_DelItem: 'HPy_DelItem',
  PyDict_DelItemString: 'HPy_DelItem_s', PyDict_Keys: 'HPyDict_Keys', PyDict_Copy: 'HPyDict_Copy',
  PyDict_Contains: 'HPy_Contains', PySequence_Contains: 'HPy_Contains', PySequence_GetItem: 'HPy_GetItem_i',
  PySequence_Size: 'HPy_Length', PyMapping_Size: 'HPy_Length', PySlice_Unpack: 'HPySlice_Unpack',
  PySlice_AdjustIndices: 'HPySlice_AdjustIndices',
  // errors
  PyErr_SetString: 'HPyErr_SetString', PyErr_SetObject: 'HPyErr_SetObject', PyErr_Format: 'HPyErr_Format',
  PyErr_Occurred: 'HPyErr_Occurred', PyErr_Clear: 'HPyErr_Clear', PyErr_NoMemory: 'HPyErr_NoMemory',
  PyErr_ExceptionMatches: 'HPyErr_ExceptionMatches', PyErr_SetFromErrno: 'HPyErr_SetFromErrno',
  PyErr_SetFromErrnoWithFilename: 'HPyErr_SetFromErrnoWithFilename',
  PyErr_SetFromErrnoWithFilenameObject: 'HPyErr_SetFromErrnoWithFilenameObjects',
  PyErr_SetFromErrnoWithFilenameObjects: 'HPyErr_SetFromErrnoWithFilenameObjects',
  PyErr_NewException: 'HPyErr_NewException', PyErr_NewExceptionWithDoc: 'HPyErr_NewExceptionWithDoc',
  PyErr_WarnEx: 'HPyErr_WarnEx', PyErr_WriteUnraisable: 'HPyErr_WriteUnraisable', Py_FatalError: 'HPy_FatalError',
  // types
  PyType_FromSpec: 'HPyType_FromSpec', PyType_FromSpecWithBases: 'HPyType_FromSpec', PyType_FromModuleAndSpec: 'HPyType_FromSpec',
  PyType_FromMetaclass: 'HPyType_FromSpec', PyType_Ready: 'HPyType_FromSpec', PyType_GenericNew: 'HPyType_GenericNew',
  PyType_GenericAlloc: 'HPy_New', PyType_IsSubtype: 'HPyType_IsSubtype', PyType_GetName: 'HPyType_GetName',
  PyStructSequence_NewType: 'HPyStructSequence_NewType', PyStructSequence_New: 'HPyStructSequence_New',
  // modules
  PyModule_Create2: 'HPy_MODINIT', PyModuleDef_Init: 'HPy_MODINIT', PyModule_AddObject: 'HPy_SetAttr_s',
  PyModule_AddObjectRef: 'HPy_SetAttr_s', PyModule_AddIntConstant: 'HPy_SetAttr_s', PyModule_AddStringConstant: 'HPy_SetAttr_s',
  PyModule_AddType: 'HPyHelpers_AddType', PyImport_ImportModule: 'HPyImport_ImportModule',
  // arguments
  PyArg_ParseTuple: 'HPyArg_Parse', _PyArg_ParseTuple_SizeT: 'HPyArg_Parse',
  PyArg_ParseTupleAndKeywords: 'HPyArg_ParseKeywordsDict', _PyArg_ParseTupleAndKeywords_SizeT: 'HPyArg_ParseKeywordsDict',
  PyArg_UnpackTuple: 'HPyArg_Parse', Py_BuildValue: 'HPy_BuildValue', _Py_BuildValue_SizeT: 'HPy_BuildValue',
  // memory
  _PyObject_New: 'HPy_New', _PyObject_GC_New: 'HPy_New', PyObject_Init: 'HPy_New',
  // capsules
  PyCapsule_New: 'HPyCapsule_New', PyCapsule_GetPointer: 'HPyCapsule_GetPointer', PyCapsule_SetPointer: 'HPyCapsule_SetPointer',
  PyCapsule_GetName: 'HPyCapsule_GetName', PyCapsule_SetName: 'HPyCapsule_SetName', PyCapsule_GetContext: 'HPyCapsule_GetContext',
  PyCapsule_SetContext: 'HPyCapsule_SetContext', PyCapsule_SetDestructor: 'HPyCapsule_SetDestructor',
  PyCapsule_IsValid: 'HPyCapsule_IsValid',
  // interpreter
  PyEval_SaveThread: 'HPy_LeavePythonExecution', PyEval_RestoreThread: 'HPy_ReenterPythonExecution',
  Py_CompileString: 'HPy_Compile_s', PyEval_EvalCode: 'HPy_EvalCode', PyContextVar_New: 'HPyContextVar_New',
  PyContextVar_Get: 'HPyContextVar_Get', PyContextVar_Set: 'HPyContextVar_Set',
};

/** The handle members of HPy 0.9.0's context (exception classes, builtin types). */
const HANDLES_0_9 = new Set(CTX_MEMBERS.filter((m) => m.kind === 'handle' && m.since === '0.9.0').map((m) => m.name));

/** What replaces `name`: the table, else the context's handle for an exception class or a type. */
export function replacementOf(name: string): string | null {
  if (name in REPLACEMENTS) return REPLACEMENTS[name]!;
  const handle = /^PyExc_(\w+)$/.exec(name)?.[1] ?? /^Py(\w+)_Type$/.exec(name)?.[1]?.concat('Type');
  return handle !== undefined && HANDLES_0_9.has(`h_${handle}`) ? `ctx->h_${handle}` : null;
}

export function familyOf(name: string): string {
  return FAMILIES.find(([, prefix]) => prefix.test(name))?.[0] ?? OTHER;
}

/** The migration report of the names a binary imports from CPython's C API; null when there are none. */
export function migrationOf(pyImports: readonly string[]): Migration | null {
  if (pyImports.length === 0) return null;
  const byFamily = new Map<string, LegacyName[]>();
  for (const name of [...new Set(pyImports)].sort()) {
    const family = familyOf(name);
    byFamily.set(family, [...(byFamily.get(family) ?? []), { name, replacement: replacementOf(name) }]);
  }
  const groups = DISPLAY.filter((f) => byFamily.has(f)).map((family) => ({ family, names: byFamily.get(family)! }));
  const all = groups.flatMap((g) => g.names);
  const objects = all.filter((n) => OBJECT.test(n.name)).length;
  const functions = all.length - objects;
  const replaceable = all.filter((n) => n.replacement !== null).length;
  return { summary: summaryLine(functions, objects, replaceable), functions, objects, replaceable, groups };
}

function summaryLine(functions: number, objects: number, replaceable: number): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const left = objects === 0
    ? plural(functions, 'legacy C-API function', 'legacy C-API functions')
    : `${plural(functions, 'legacy C-API function', 'legacy C-API functions')} and ${plural(objects, 'object', 'objects')}`;
  return `${left} left; ${replaceable} ${replaceable === 1 ? 'has' : 'have'} an HPy replacement`;
}
