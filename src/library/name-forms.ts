/**
 * Names of people and places the two sides of the strait transliterate with
 * other characters: mainland media (FT中文网 among them) write 特朗普 and 普京,
 * Taiwan's write 川普 and 普丁. OpenCC converts characters, not these. Search
 * tries every spelling of a name a term holds. The mainland's spelling first,
 * then the others. An other spelling does not count inside the everyday
 * words `NOT_IN` names (特朗普 does not find 四川普通话 through 川普); one that
 * is an everyday word itself, or in many (鮑爾 in 鮑爾默, 雪梨 the pear), is
 * left out. (A word segmenter was tried and dropped: it glues the character
 * before a name to it, 前川|普 in 前川普政府, and lost real matches.)
 */
import { normalizeForSearch, type TermForm } from '../storage/search-text';

const NAMES: readonly (readonly string[])[] = [
  ['特朗普', '川普'],
  ['普京', '普丁'],
  ['默克尔', '梅克爾'],
  ['马克龙', '馬克宏'],
  ['泽连斯基', '澤倫斯基'],
  ['内塔尼亚胡', '納坦雅胡', '尼坦雅胡'],
  ['奥巴马', '歐巴馬'],
  ['希拉里', '希拉蕊'],
  ['约翰逊', '強森'],
  ['朔尔茨', '蕭茲'],
  ['埃尔多安', '艾爾多安'],
  ['马杜罗', '馬杜洛'],
  ['耶伦', '葉倫'],
  ['扎克伯格', '祖克柏'],
  ['贝索斯', '貝佐斯'],
  ['乔布斯', '賈伯斯'],
  ['卡扎菲', '格達費'],
  ['本拉登', '賓拉登'],
  ['新西兰', '紐西蘭'],
  ['意大利', '義大利'],
  ['沙特', '沙烏地'],
  ['也门', '葉門'],
  ['肯尼亚', '肯亞'],
  ['尼日利亚', '奈及利亞'],
  ['老挝', '寮國'],
  ['朝鲜', '北韓'],
];

/** Words that hold a spelling of `NAMES` and are not the name. */
const NOT_IN: Readonly<Record<string, readonly string[]>> = {
  川普: ['四川普'],
};

/** The table as search compares it: each spelling folded to one script. */
const FOLDED = NAMES.map((group) => group.map(normalizeForSearch));
const FOLDED_NOT_IN = new Map(Object.entries(NOT_IN).map(([name, words]) => [normalizeForSearch(name), words.map(normalizeForSearch)]));

/** `forms` and, for each name one of them holds, the same form with the name's other spellings (not inside `NOT_IN`'s words). */
export function withNameForms(forms: readonly string[]): TermForm[] {
  const others = new Map<string, string[]>();
  for (const form of forms) {
    const folded = normalizeForSearch(form);
    for (const group of FOLDED) {
      const held = group.find((name) => folded.includes(name));
      if (!held) continue;
      for (const other of group) {
        if (other === held) continue;
        const term = folded.replaceAll(held, other);
        if (!forms.includes(term)) others.set(term, FOLDED_NOT_IN.get(other) ?? []);
      }
    }
  }
  return [...forms, ...[...others].map(([term, notIn]) => (notIn.length ? { term, notIn } : term))];
}
