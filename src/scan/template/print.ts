import { type AstNode, identName, isNode, nodeField, nodeList } from './ast.js';

/** A short, bounded Jinja-like rendering of an expression, used as finding evidence. */
export function printExpr(n: AstNode | undefined, depth = 0): string {
  if (!n) return '?';
  if (depth > 6) return '…';
  const d = depth + 1;
  switch (n.type) {
    case 'Identifier':
      return String(n.value);
    case 'StringLiteral':
      return JSON.stringify(String(n.value).slice(0, 60)).replace(/^"|"$/g, "'");
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return String(n.value);
    case 'MemberExpression': {
      const obj = printExpr(nodeField(n, 'object'), d);
      const prop = nodeField(n, 'property');
      if (!n.computed) return `${obj}.${identName(prop) ?? '?'}`;
      return `${obj}[${prop?.type === 'SliceExpression' ? '::' : printExpr(prop, d)}]`;
    }
    case 'CallExpression':
      return `${printExpr(nodeField(n, 'callee'), d)}(${nodeList(n, 'args')
        .slice(0, 4)
        .map((a) => printExpr(a, d))
        .join(', ')})`;
    case 'FilterExpression':
      return `${printExpr(nodeField(n, 'operand'), d)}|${printExpr(nodeField(n, 'filter'), d)}`;
    case 'KeywordArgumentExpression':
      return `${identName(nodeField(n, 'key')) ?? '?'}=${printExpr(nodeField(n, 'value'), d)}`;
    case 'BinaryExpression': {
      const op = (n.operator as { value?: unknown } | undefined)?.value;
      return `${printExpr(nodeField(n, 'left'), d)} ${String(op)} ${printExpr(nodeField(n, 'right'), d)}`;
    }
    case 'ArrayLiteral':
    case 'TupleLiteral': {
      const items = Array.isArray(n.value) ? n.value.filter(isNode) : [];
      return `[${items
        .slice(0, 4)
        .map((a) => printExpr(a, d))
        .join(', ')}${items.length > 4 ? ', …' : ''}]`;
    }
    default:
      return `<${n.type}>`;
  }
}
