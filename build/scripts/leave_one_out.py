#!/usr/bin/env python3
# Usage: leave_one_out.py expected-results/ci/calibration/statistical-summary.csv [TABLE ...]
# The false-alarm rate of the statistical snapshot rule (docs/snapshots.md, "Seed means and the statistical rule"),
# measured by leaving each calibration run out of its own calibration: the prior (Smyth's moment estimator), the
# moderated sds, the Bonferroni t quantile and the reference (the mean of the other R - 1 runs) are made from the other
# runs alone, and the left-out run's means are checked against them (the claims, whose reference is one recorded run,
# against each other run with t*sqrt(2)*sd). An independent float64 implementation in the standard library, not the
# C# code: it reads only the run means that statistical-summary.csv keeps. Prints, per table, the runs and cells that
# failed and the largest |difference| / tolerance; each failing cell on its own line.
import csv,math,sys
from collections import defaultdict
def digamma(x):
    r=0.0
    while x<6: r-=1/x; x+=1
    f=1/(x*x)
    return r+math.log(x)-0.5/x-f*(1/12-f*(1/120-f*(1/252-f*(1/240-f/132))))
def trigamma(x):
    r=0.0
    while x<6: r+=1/(x*x); x+=1
    f=1/(x*x)
    return r+1/x+f/2+f/x*(1/6-f*(1/30-f*(1/42-f/30)))
def trigamma_inv(y):
    if y>1e7: return 1/math.sqrt(y)
    if y<1e-6: return 1/y
    x=0.5+1/y
    for _ in range(50):
        tri=trigamma(x); dif=tri*(1-tri/y)/(trigamma_deriv(x)); x+=dif
        if -dif/x<1e-8: break
    return x
def trigamma_deriv(x):
    h=1e-5; return (trigamma(x+h)-trigamma(x-h))/(2*h)
def prior(variances,df):
    half=df/2
    e=[math.log(v)-digamma(half)+math.log(half) for v in variances if v>0]
    if len(e)<3: return (0,0)
    m=sum(e)/len(e); ex=sum((x-m)**2 for x in e)/(len(e)-1)-trigamma(half)
    if ex<=0: return (math.inf, math.exp(m))
    d0=2*trigamma_inv(ex)
    return (d0, math.exp(m+digamma(d0/2)-math.log(d0/2)))
def betacf(a,b,x):
    qab=a+b; qap=a+1; qam=a-1; c=1.0; d=1-qab*x/qap
    d=1/d if abs(d)>1e-300 else 1e300; h=d
    for m in range(1,500):
        m2=2*m; aa=m*(b-m)*x/((qam+m2)*(a+m2))
        d=1+aa*d; d=1/d if abs(d)>1e-300 else 1e300; c=1+aa/c if abs(c)>1e-300 else 1e300; h*=d*c
        aa=-(a+m)*(qab+m)*x/((a+m2)*(qap+m2))
        d=1+aa*d; d=1/d if abs(d)>1e-300 else 1e300; c=1+aa/c if abs(c)>1e-300 else 1e300; de=d*c; h*=de
        if abs(de-1)<1e-15: break
    return h
def ibeta(a,b,x):
    if x<=0: return 0.0
    if x>=1: return 1.0
    bt=math.exp(math.lgamma(a+b)-math.lgamma(a)-math.lgamma(b)+a*math.log(x)+b*math.log(1-x))
    return bt*betacf(a,b,x)/a if x<(a+1)/(a+b+2) else 1-bt*betacf(b,a,1-x)/b
def two_sided_p(t,n): return ibeta(n/2,0.5,n/(n+t*t))
_q={}
def tq(p2,n):
    n=min(n,1e5)
    key=(p2,n)
    if key in _q: return _q[key]
    lo,hi=0,1e4
    for _ in range(80):
        mid=(lo+hi)/2
        if two_sided_p(mid,n)>p2: lo=mid
        else: hi=mid
    _q[key]=lo; return lo
path=sys.argv[1]; only=sys.argv[2:]
S=list(csv.DictReader(open(path)))
by=defaultdict(list)
for r in S: by[r['table']].append(r)
for t,rows in by.items():
    if only and t not in only: continue
    runs=[k for k in rows[0] if k.startswith('mean_') and rows[0][k] not in ('',None)]
    R=len(runs); m=len(rows); factor=math.sqrt(1+1/(R-1)) if t!='claims' else None
    fails=0; cellf=0; cells=0; worst=0
    for i in range(R):
        cols=defaultdict(list)
        for r in rows:
            vals=[float(r[k]) for k in runs]
            others=vals[:i]+vals[i+1:]
            if all(v==others[0] for v in others): continue   # exact among the left-in runs: floor (skip)
            mu=sum(others)/len(others); s2=sum((v-mu)**2 for v in others)/(len(others)-1)
            cols[r['column']].append((vals[i],mu,s2,others))
        failed=False
        for c,L in cols.items():
            df=R-2
            d0,s02=prior([x[2] for x in L],df)
            q=tq(0.01/m, math.floor(d0+df) if math.isfinite(d0) else 1e6)
            for x,mu,s2,others in L:
                sd=math.sqrt(s02 if math.isinf(d0) else (d0*s02+df*s2)/(d0+df)) if d0>0 else math.sqrt(s2)
                if factor is None:
                    # claims: one run as the reference; compare with each other run
                    for o in others:
                        tol=q*math.sqrt(2)*sd; cells+=1
                        worst=max(worst,abs(x-o)/tol)
                        if abs(x-o)>tol: cellf+=1; failed=True
                else:
                    tol=q*factor*sd; cells+=1
                    worst=max(worst,abs(x-mu)/tol)
                    if abs(x-mu)>tol: cellf+=1; failed=True; print("   ",runs[i][5:],c,round(x,4),round(mu,4),round(tol,4))
        fails+=failed
    print(f"{t:28s} R={R:2d} left out, failing: {fails} of {R} runs; cells {cellf} of {cells}; largest |difference| / tolerance {worst:.2f}",flush=True)
