import json,sys
d=json.load(open(sys.argv[1]))
print(sys.argv[1], d.get('error'), d.get('tickError'), d.get('stats'))
print('landings', d.get('landings'))
allfirst=[]; worst_first=0; gaps=0; rels=[]
for c in d.get('changes',[]):
    o=c['oldErr']; n=c['newErr']
    f=[x for x in n if x[0]<=200]
    first=f[0][1]
    w200=max(abs(x[1]) for x in f)
    wall=max(abs(x[1]) for x in n)
    allfirst.append(first); worst_first=max(worst_first,w200)
    gaps+= 1 if c['silentMs']>0 else 0
    mo=sum(o)/len(o) if o else 0
    rel=max(abs(x[1]-mo) for x in f)
    rels.append(rel)
    print(f"change {c['k']:2d}: rel. to the old track's mean {mo:+.2f}: max|e| 0-200 ms {rel:.2f}; old track (400 ms before) {min(o):+.2f}..{max(o):+.2f}; new at 0 ms {first:+.2f}; max|e| 0-200 ms {w200:.2f}; max|e| 0-4 s {wall:.2f}; min corr {min(x[2] for x in n):.2f}; silent {c['silentMs']} ms (min rms {c['minRms']:.3f})")
print('worst 0-200 ms relative to the old track', round(max(rels),2) if rels else None)
print('starts', [round(x,1) for x in allfirst], 'worst 0-200', round(worst_first,2), 'changes with silence', gaps)
